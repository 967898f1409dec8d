"""The demo's simulated devices: a social security card, an ID card reader and a document camera.

The card is a real vpcd virtual card behind a real pcscd, so the terminal's
card watcher cannot tell it from a plastic one. When no pcscd runs, the demo
starts a private one; when the machine already runs pcscd, its vpcd reader
(Debian's /etc/reader.conf.d/vpcd, port 35963) is used. The ID reader speaks
the SAM protocol on a pseudo-terminal that pyserial opens like a real port. The
document camera photographs synthetic documents on a desk, rendered on demand.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from core.errors import DeviceNotFound
from devices.card.connection import list_readers
from devices.sim.camera import SimulatedCameraBackend
from devices.sim.idcard import Identity, SimulatedIdReader
from devices.sim.identities import SAMPLE_IDENTITIES, sample_identity_data
from devices.sim.pcscd import PcscdProcess
from devices.sim.sscard import Holder, VirtualCard

log = logging.getLogger(__name__)

#: what the demo can lay under the document camera: (document kind for the generator, label shown)
DEMO_DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("a4_text", "A4 文件（授权委托书）"),
    ("certificate", "证明文件（盖章）"),
    ("a4_table", "表格"),
    ("id_front", "身份证人像面"),
    ("id_back", "身份证国徽面"),
    ("bank_card", "银行卡"),
)

PRIVATE_VPCD_PORT = 39425
SYSTEM_VPCD_PORT = 35963


def sample_holders() -> dict[str, Holder]:
    folder = resources.files("devices.sim") / "holders"
    holders: dict[str, Holder] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            holder = Holder.load(Path(str(entry)))
            holders[holder.name] = holder
    return holders


class DemoCardDevices:
    def __init__(self, demo_dir: Path) -> None:
        self._dir = demo_dir
        self._holders = sample_holders()
        self._pcscd: PcscdProcess | None = None
        self._port = PRIVATE_VPCD_PORT
        self._card: VirtualCard | None = None
        self._identities = {i.name: i for i in (Identity.from_dict(sample_identity_data(n))
                                                 for n in SAMPLE_IDENTITIES)}
        self.id_reader = SimulatedIdReader()
        self.camera_backend = SimulatedCameraBackend()
        self._placed = 0

    def start_id_reader(self) -> str:
        """Start the simulated ID reader; returns the port to point the terminal at."""
        self.id_reader.start()
        return self.id_reader.port

    def start(self) -> None:
        try:
            readers = list_readers()
        except Exception:  # no pcscd running: bring our own
            readers = None
        if readers is None:
            self._pcscd = PcscdProcess.start(self._dir / "pcscd", port=PRIVATE_VPCD_PORT)
            self._port = PRIVATE_VPCD_PORT
        elif any(r.startswith("Virtual PCD") for r in readers):
            self._port = SYSTEM_VPCD_PORT
        else:
            raise DeviceNotFound("pcscd runs without a vpcd reader",
                                 user_message="本机读卡服务未配置虚拟读卡器，无法演示插卡。",
                                 hint="请安装 vsmartcard-vpcd 后重启 pcscd，或停止 pcscd 后再启动演示。")

    def card_holders(self) -> list[str]:
        return list(self._holders)

    def insert_card(self, holder: str) -> None:
        self.remove_card()
        card = VirtualCard(self._holders[holder], port=self._port)
        card.insert()
        self._card = card

    def remove_card(self) -> None:
        if self._card is not None:
            card, self._card = self._card, None
            card.remove()
            card.close()

    def id_holders(self) -> list[str]:
        return list(self._identities)

    def lay_id_card(self, holder: str) -> None:
        self.id_reader.lay(self._identities[holder])

    def lift_id_card(self) -> None:
        self.id_reader.lift()

    def documents(self) -> list[tuple[str, str]]:
        return list(DEMO_DOCUMENTS)

    def place_document(self, kind: str) -> None:
        """A different document each time (the seed moves on), as an applicant hands over page after page."""
        self._placed += 1
        self.camera_backend.camera().place_document(1000 + self._placed, kind)

    def clear_desk(self) -> None:
        self.camera_backend.camera().place(None)

    def close(self) -> None:
        self.remove_card()
        self.id_reader.stop()
        if self._pcscd is not None:
            self._pcscd.stop()
            self._pcscd = None
