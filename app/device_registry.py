"""The devices the terminal knows, in one registry: how each is started, what its reads mean, how it is shown.

A device is one ``DeviceSpec`` under one key. The key names the device everywhere: in its events
(``DeviceEvent.device``), in the settings (``[devices] <key> = "auto"``), in the terminal's running
services and in the status bar. The terminal starts every registered device through its spec; the
main window builds one status indicator per spec and handles every ``DeviceEvent`` in one place
(indicator, identity into the form, failure into the notice bar). A new device is a new spec here
(or in a registry a caller builds), with its watcher in ``devices/``: nothing else changes.

Widgets may not import ``devices``; they get the vocabulary (``DeviceEvent``, ``DeviceState``) from here.
Texts here are Chinese source strings; the window translates them (context "devices"), and
``app/ui/device_indicator.py`` marks the default devices' texts for lupdate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from app.settings import DeviceMode, Settings
from devices.events import REMOVED, DeviceEvent, DeviceState

if TYPE_CHECKING:
    from app.cards import IdentityReading
    from devices.camera.connection import CameraBackend

__all__ = ["CAMERA", "CARD_READER", "ID_READER", "REMOVED", "DeviceContext", "DeviceEvent", "DeviceRegistry",
           "DeviceService", "DeviceSpec", "DeviceState", "StatusNote", "default_registry", "stop_devices"]

log = logging.getLogger(__name__)

#: the default devices' keys (the same names their watchers put in their events)
CARD_READER = "card_reader"
ID_READER = "id_reader"
CAMERA = "camera"


class DeviceService(Protocol):
    """A running device: whatever its factory started; the terminal only ever stops it."""

    def stop(self) -> object: ...


@dataclass(frozen=True)
class DeviceContext:
    """What a factory gets: the settings, the device's mode from them, and where its events go."""

    settings: Settings
    mode: DeviceMode
    publish: Callable[[object], None]


@dataclass(frozen=True)
class StatusNote:
    """A few words after the state in the status bar, e.g. the camera's resolution.

    ``text`` is a Chinese source string with ``str.format`` fields, translated in context "devices".
    """

    text: str
    values: Mapping[str, object] = field(default_factory=dict)


def _no_identity(event: DeviceEvent) -> IdentityReading | None:
    return None


def _no_note(event: DeviceEvent) -> StatusNote | None:
    return None


@dataclass(frozen=True)
class DeviceSpec:
    """One kind of device as the app sees it."""

    #: names the device in events, settings, the terminal's services and the status bar
    key: str
    #: its name in the status bar (Chinese source text, translated in context "devices")
    label: str
    #: builds and starts the device service, or returns None when its mode is "off"
    start: Callable[[DeviceContext], DeviceService | None]
    #: an identity document this event read (to fill the form's applicant or agent), or None
    identity: Callable[[DeviceEvent], IdentityReading | None] = _no_identity
    #: the mode when the settings have no field named ``key`` (a device added later, or by a test)
    default_mode: DeviceMode = "off"
    #: said in the notice bar when the document read earlier leaves the device (kind ``removed``); the
    #: reading is then forgotten. None: removal passes silently and the reading stays for the next form.
    removed_notice: str | None = None
    #: extra words for the status bar after an event, if any
    note: Callable[[DeviceEvent], StatusNote | None] = _no_note
    #: its name where the status bar is narrow (社保卡 for 社保卡读卡器); None: ``label``
    short_label: str | None = None


class DeviceRegistry:
    """Device specs by key, in the order the status bar shows them."""

    def __init__(self, specs: Iterable[DeviceSpec]) -> None:
        self._specs: dict[str, DeviceSpec] = {}
        for spec in specs:
            if spec.key in self._specs:
                raise ValueError(f"device {spec.key!r} registered twice")
            self._specs[spec.key] = spec

    def __iter__(self) -> Iterator[DeviceSpec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, key: object) -> bool:
        return key in self._specs

    def get(self, key: str) -> DeviceSpec | None:
        return self._specs.get(key)

    def keys(self) -> list[str]:
        return list(self._specs)

    def plus(self, *specs: DeviceSpec) -> DeviceRegistry:
        """A registry with these devices added after the ones here."""
        return DeviceRegistry([*self._specs.values(), *specs])

    def start_all(self, settings: Settings, publish: Callable[[object], None]) -> dict[str, DeviceService]:
        """Start every device whose factory starts it (its mode is not off); the running services by key.

        A factory that fails stops the ones already started before the error goes on up.
        """
        running: dict[str, DeviceService] = {}
        try:
            for spec in self:
                context = DeviceContext(settings, settings.devices.mode(spec.key, spec.default_mode), publish)
                service = spec.start(context)
                if service is not None:
                    running[spec.key] = service
        except BaseException:
            stop_devices(running)
            raise
        return running


def stop_devices(running: Mapping[str, DeviceService]) -> None:
    """Stop the services, the last started first."""
    for key, service in reversed(list(running.items())):
        try:
            service.stop()
        except Exception:
            log.exception("stopping device %s failed", key)


# --- the default devices ----------------------------------------------------------------------------


def _start_card_reader(context: DeviceContext) -> DeviceService | None:
    """Watch PC/SC readers; a simulated card sits behind the same pcscd."""
    if context.mode == "off":
        return None
    from devices.card.watch import CardWatcher  # pyscard loads only when a reader is wanted

    watcher = CardWatcher(context.publish, reader=context.settings.devices.card_reader_name)
    watcher.start()
    return watcher


def _start_id_reader(context: DeviceContext) -> DeviceService | None:
    """Poll the ID reader's serial port (probing the ports when none is configured)."""
    if context.mode == "off":
        return None
    from devices.idcard.watch import IdCardWatcher

    devices = context.settings.devices
    watcher = IdCardWatcher(context.publish, port=devices.id_reader_port, baud=devices.id_reader_baud)
    watcher.start()
    return watcher


def _camera_starter(backend: CameraBackend | None) -> Callable[[DeviceContext], DeviceService | None]:
    """Open the document camera, or the backend given (the demo's simulator, a test's), even when off."""

    def start(context: DeviceContext) -> DeviceService | None:
        from app.camera import CameraService

        chosen = backend
        if chosen is None:
            if context.mode == "off":
                return None
            if context.mode == "simulated":
                from devices.sim.camera import SimulatedCameraBackend

                chosen = SimulatedCameraBackend()
            else:
                from devices.camera.opencv import OpenCvBackend

                chosen = OpenCvBackend()
        service = CameraService(chosen, context.publish, name_hint=context.settings.devices.camera_name)
        service.start()
        return service

    return start


def _card_identity(event: DeviceEvent) -> IdentityReading | None:
    from app.cards import check_card  # the number rules load when a card is first read
    from devices.card.sscard import SocialSecurityCardRecord

    if event.state is DeviceState.READ and isinstance(event.payload, SocialSecurityCardRecord):
        return check_card(event.payload)
    return None


def _id_card_identity(event: DeviceEvent) -> IdentityReading | None:
    from app.cards import check_id_card
    from devices.idcard.record import IdCardRecord

    if event.state is DeviceState.READ and isinstance(event.payload, IdCardRecord):
        return check_id_card(event.payload)
    return None


def _card_reader_note(event: DeviceEvent) -> StatusNote | None:
    return StatusNote("读卡服务未运行") if event.kind == "service_down" else None


def _camera_note(event: DeviceEvent) -> StatusNote | None:
    mode = getattr(event, "still_mode", None)
    if event.kind != "opened" or mode is None:
        return None
    return StatusNote("{mp:.0f} 百万像素", {"mp": mode.width * mode.height / 1e6})


def default_registry(*, camera_backend: CameraBackend | None = None) -> DeviceRegistry:
    """The terminal's devices: the social security card reader, the ID card reader, the document camera.

    ``camera_backend``: use this camera backend (the demo's simulator, a test's) whatever the settings say.
    """
    return DeviceRegistry([
        DeviceSpec(CARD_READER, "社保卡读卡器", _start_card_reader, identity=_card_identity, default_mode="auto",
                   removed_notice="社保卡已拔出。已填写的内容保留在表单中。", note=_card_reader_note,
                   short_label="社保卡"),
        DeviceSpec(ID_READER, "身份证读卡器", _start_id_reader, identity=_id_card_identity, default_mode="auto",
                   short_label="身份证"),
        DeviceSpec(CAMERA, "高拍仪", _camera_starter(camera_backend), default_mode="auto", note=_camera_note),
    ])
