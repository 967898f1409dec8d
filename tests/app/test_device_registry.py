"""The device registry: a fourth device joins the terminal and the window through its spec alone.

The simulated device here is a social security card pad (电子社保卡 shown on a phone, or a card laid on
an NFC pad): it runs a real device thread with ``DeviceWorker`` and speaks only ``DeviceEvent``. Nothing
outside this file knows it, yet it starts and stops with the terminal, has an indicator in the status
bar that follows its states, fills the open form, and its failures and removals reach the notice bar.
"""

from __future__ import annotations

import queue
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.cards import IdentityReading
from app.device_registry import (
    CAMERA,
    CARD_READER,
    ID_READER,
    REMOVED,
    DeviceContext,
    DeviceEvent,
    DeviceRegistry,
    DeviceSpec,
    DeviceState,
    default_registry,
)
from app.secrets import SecretStore
from app.settings import DeviceSettings, Settings
from app.terminal import Terminal, build_terminal
from app.ui.device_indicator import DeviceIndicator, device_text
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from core.errors import DeviceError
from devices.worker import DeviceWorker

from .conftest import CLERK

PAD = "sscard_pad"
LABEL = "社保卡感应区"
REMOVED_NOTICE = "电子社保卡已移开。"
WAIT = 15000


@dataclass(frozen=True)
class PadCard:
    """What the pad reads from an electronic social security card."""

    name: str
    id_number: str
    sex: str
    birth_date: str


class SocialSecurityPad:
    """A simulated card pad on its own device thread: the test taps, lifts or garbles a card."""

    def __init__(self, publish: Callable[[object], None]) -> None:
        self._worker: DeviceWorker[DeviceEvent] = DeviceWorker(publish)
        self._inbox: queue.Queue[PadCard | DeviceError | str] = queue.Queue()

    @property
    def running(self) -> bool:
        return self._worker.running

    @property
    def thread_alive(self) -> bool:
        thread = self._worker.thread
        return thread is not None and thread.is_alive()

    def start(self) -> None:
        self._worker.start(self._run, name="sscard-pad")

    def stop(self) -> bool:
        return self._worker.stop(timeout=5.0)

    def tap(self, card: PadCard) -> None:
        self._inbox.put(card)

    def garble(self, error: DeviceError) -> None:
        self._inbox.put(error)

    def lift(self) -> None:
        self._inbox.put(REMOVED)

    def _emit(self, generation: int, state: DeviceState, kind: str, payload: object = None,
              error: DeviceError | None = None) -> None:
        self._worker.emit(generation, DeviceEvent(device=PAD, state=state, kind=kind, payload=payload, error=error))

    def _run(self, generation: int) -> None:
        self._emit(generation, DeviceState.READY, "ready")
        while self._worker.current(generation):
            try:
                item = self._inbox.get(timeout=0.05)
            except queue.Empty:
                continue
            if isinstance(item, PadCard):
                self._emit(generation, DeviceState.BUSY, "tapped")
                self._emit(generation, DeviceState.READ, "read", payload=item)
            elif isinstance(item, DeviceError):
                self._emit(generation, DeviceState.FAILED, "read_failed", error=item)
            else:
                self._emit(generation, DeviceState.READY, REMOVED)


def pad_identity(event: DeviceEvent) -> IdentityReading | None:
    card = event.payload
    if event.state is not DeviceState.READ or not isinstance(card, PadCard):
        return None
    return IdentityReading(source="电子社保卡", name=card.name, id_number=card.id_number,
                           values={"id_number": card.id_number, "name": card.name, "sex": card.sex,
                                   "birth_date": card.birth_date})


def pad_spec(started: list[SocialSecurityPad]) -> DeviceSpec:
    def start(context: DeviceContext) -> SocialSecurityPad | None:
        if context.mode == "off":
            return None
        pad = SocialSecurityPad(context.publish)
        pad.start()
        started.append(pad)
        return pad

    return DeviceSpec(PAD, LABEL, start, identity=pad_identity, default_mode="simulated",
                      removed_notice=REMOVED_NOTICE)


def quiet_settings(data_dir: Path) -> Settings:
    """The three default devices off: the pad is the only one running."""
    return Settings(central_url="http://127.0.0.1:9", terminal_id="T-TEST-01", data_dir=data_dir,
                    devices=DeviceSettings(card_reader="off", id_reader="off", camera="off"))


@pytest.fixture
def pad_terminal(data_dir: Path, secrets_store: SecretStore) -> tuple[Terminal, list[SocialSecurityPad]]:
    started: list[SocialSecurityPad] = []
    terminal = build_terminal(quiet_settings(data_dir), secrets_store, start_sender=False,
                              registry=default_registry().plus(pad_spec(started)))
    return terminal, started


LI = PadCard("李秀英", "11010519491231002X", "female", "1949-12-31")


def test_a_fourth_device_runs_with_the_terminal_and_in_the_window(
        qtbot: QtBot, pad_terminal: tuple[Terminal, list[SocialSecurityPad]]) -> None:
    terminal, started = pad_terminal
    try:
        [pad] = started
        assert list(terminal.devices) == [PAD] and terminal.devices[PAD] is pad
        assert pad.running

        window = MainWindow(terminal, CLERK, OpRunner())
        qtbot.addWidget(window)
        window.show()
        assert list(window.device_indicators) == [CARD_READER, ID_READER, CAMERA, PAD]
        indicator = window.device_indicators[PAD]
        assert indicator in window.statusBar().findChildren(DeviceIndicator) and indicator.isVisible()
        qtbot.waitUntil(lambda: indicator.full_text() == f"● {LABEL}：就绪", timeout=WAIT)  # replayed on subscribing
        assert indicator.property("tone") == "ok"
        assert "未启用" in window.device_indicators[CARD_READER].full_text()  # switched off, still shown

        window.catalogue.search_edit.setText("grcbdj")
        window.catalogue._choose_first()
        page = window.form_page
        assert page is not None
        pad.tap(LI)
        qtbot.waitUntil(lambda: page.view.value("id_number") == LI.id_number, timeout=WAIT)
        assert page.view.value("name") == "李秀英" and page.view.value("sex") == "female"
        assert page.view.value("birth_date") == "1949-12-31"
        assert page.view.provenance()["from_device"]["id_number"] == "电子社保卡"
        assert "已读取电子社保卡" in window.notice.label.text()
        assert indicator.full_text() == f"● {LABEL}：已读卡" and indicator.state is DeviceState.READ
        assert window.current_card is not None and window.current_card.id_number == LI.id_number

        pad.garble(DeviceError("pad checksum mismatch", user_message="电子社保卡读取失败。",
                               hint="请持卡人重新出示二维码。"))
        qtbot.waitUntil(lambda: window.notice.isVisible() and window.notice.property("tone") == "error"
                        and "电子社保卡读取失败" in window.notice.label.text(), timeout=WAIT)
        assert indicator.full_text() == f"● {LABEL}：读卡失败" and indicator.property("tone") == "error"

        pad.lift()
        qtbot.waitUntil(lambda: REMOVED_NOTICE in window.notice.label.text(), timeout=WAIT)
        assert window.current_card is None
        assert indicator.full_text() == f"● {LABEL}：就绪"
        window.detach()
    finally:
        terminal.close()
    assert not pad.running and not pad.thread_alive


def test_a_device_switched_off_is_not_started_but_shown(qtbot: QtBot, data_dir: Path,
                                                        secrets_store: SecretStore) -> None:
    started: list[SocialSecurityPad] = []
    spec = pad_spec(started)
    off = DeviceSpec(spec.key, spec.label, spec.start, default_mode="off")
    terminal = build_terminal(quiet_settings(data_dir), secrets_store, start_sender=False,
                              registry=DeviceRegistry([off]))
    try:
        assert started == [] and terminal.devices == {}
        window = MainWindow(terminal, CLERK, OpRunner())
        qtbot.addWidget(window)
        assert list(window.device_indicators) == [PAD]  # only the devices registered
        assert window.device_indicators[PAD].full_text() == f"{LABEL}：未启用"
        window.detach()
    finally:
        terminal.close()


def test_modes_come_from_the_settings_key_or_the_spec() -> None:
    devices = DeviceSettings(card_reader="off", id_reader="real")
    assert devices.mode(CARD_READER) == "off" and devices.mode(ID_READER) == "real"
    assert devices.mode(CAMERA) == "auto"
    assert devices.mode(PAD) == "off" and devices.mode(PAD, "simulated") == "simulated"
    assert devices.mode("scan_mode", "auto") == "auto"  # a field that is not a device mode


def test_registry_keys_are_unique_and_ordered() -> None:
    registry = default_registry()
    assert registry.keys() == [CARD_READER, ID_READER, CAMERA]
    with pytest.raises(ValueError, match="twice"):
        registry.plus(DeviceSpec(CAMERA, "高拍仪", lambda context: None))


def test_the_default_devices_name_themselves_by_their_registry_keys() -> None:
    from devices.camera.watch import CameraEvent
    from devices.card.watch import CardEvent
    from devices.idcard.watch import IdCardEvent

    assert CardEvent("removed").device == CARD_READER
    assert IdCardEvent("removed").device == ID_READER
    assert CameraEvent("lost").device == CAMERA


def test_the_default_devices_texts_are_translated() -> None:
    from devices.camera.connection import Mode
    from devices.camera.watch import CameraEvent
    from devices.card.watch import CardEvent

    ts = Path(__file__).resolve().parents[2] / "resources" / "i18n" / "sicounter_en.ts"
    marked = {msg.findtext("source") for ctx in ET.parse(ts).iter("context") if ctx.findtext("name") == "devices"
              for msg in ctx.iter("message")}
    texts = {spec.label for spec in default_registry()} | {
        spec.removed_notice for spec in default_registry() if spec.removed_notice}
    for spec, event in ((default_registry().get(CARD_READER), CardEvent("service_down")),
                        (default_registry().get(CAMERA), CameraEvent("opened", still_mode=Mode(4000, 3000)))):
        assert spec is not None
        note = spec.note(event)
        assert note is not None
        texts.add(note.text)
    assert texts <= marked
    assert device_text("高拍仪") == "高拍仪"  # Chinese unless an English translator is installed
