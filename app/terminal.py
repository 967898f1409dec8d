"""Composition root: build the terminal's backends from settings and pass them down.

Nothing here imports Qt; the window, the CLI and the tests all get a
``Terminal`` the same way.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.secrets import SecretStore
from app.settings import Settings
from core.errors import ConfigError
from forms.catalogue import ServiceItem, load_catalogue
from forms.definitions import FormDef, load_form, parse_form
from forms.rules.deadlines import HolidayCalendar, calendar_from_data, load_calendar
from forms.rules.figures import ProvincialFigures, figures_from_data, load_figures
from local_db.blobstore import KEY_BYTES, BlobStore, new_key
from local_db.database import Database, open_database
from sync.client import CentralClient
from sync.engine import Backoff, SyncEngine
from sync.events import SYNC_EVENTS, Offline, Online, ReferenceUpdated
from sync.reference import ReferenceTarget

if TYPE_CHECKING:
    from app.camera import CameraService
    from devices.camera.connection import CameraBackend
    from devices.card.watch import CardWatcher
    from devices.idcard.watch import IdCardWatcher

#: anything a background part reports: sync.events.SyncEvent, devices.card.watch.CardEvent, ...
Listener = Callable[[object], None]

log = logging.getLogger(__name__)


@dataclass
class Terminal:
    settings: Settings
    db: Database
    catalogue: list[ServiceItem]
    client: CentralClient | None = None
    sender: SyncEngine | None = None
    card_watcher: CardWatcher | None = None
    id_watcher: IdCardWatcher | None = None
    camera: CameraService | None = None
    #: encrypted scans; None when the OS keyring cannot hold the key (scanning then refuses to save)
    blobs: BlobStore | None = None
    _listeners: list[Listener] = field(default_factory=list)
    _last: dict[tuple[object, str], object] = field(default_factory=dict)
    _forms: dict[str, FormDef] = field(default_factory=dict)
    _figures: dict[str, ProvincialFigures | None] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: held while listeners are called, so that remove_listener waits for a call in flight
    _delivery: threading.RLock = field(default_factory=threading.RLock)

    def add_listener(self, listener: Listener) -> None:
        """Subscribe, and hear at once the latest event of each kind (the current state).

        A window that opens after the reader or the sender reported must still
        show their state. Replaying here and publishing hold one delivery lock,
        so each event reaches each listener exactly once, and in order.
        """
        with self._delivery:
            with self._lock:
                self._listeners.append(listener)
                latest = list(self._last.values())
            for event in latest:
                listener(event)

    def remove_listener(self, listener: Listener) -> None:
        """Unsubscribe. A barrier: once this returns, no thread is calling ``listener`` or will again,
        so the Qt object behind it may be destroyed."""
        with self._delivery, self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def listening(self, listener: Listener) -> bool:
        with self._lock:
            return listener in self._listeners

    def publish(self, event: object) -> None:
        """Hand an event from a background thread to every listener (the UI re-emits it as a signal).

        Listeners are called under the delivery lock (see ``remove_listener``); they only hand the
        event over and never wait for another thread. Re-entrant: a listener may publish.
        """
        if isinstance(event, ReferenceUpdated):
            self.forget_reference()
        with self._delivery:
            with self._lock:
                self._last[_replay_slot(event)] = event
                listeners = list(self._listeners)
            for listener in listeners:
                listener(event)

    def reference_file(self, name: str) -> Path | None:
        """A reference data set the central system sent (forms, holidays, figures-NN), if there is one."""
        path = self.settings.resolved_data_dir() / "reference" / f"{name}.json"
        return path if path.is_file() else None

    def form(self, code: str) -> FormDef:
        """The definition of a form, read and validated once (opening a form is then free of I/O).

        A definition the central system sent wins over the shipped one when its version is not older.
        """
        with self._lock:
            found = self._forms.get(code)
        if found is None:
            found = load_form(code)
            sent = self._sent_form(code)
            if sent is not None and sent.version >= found.version:
                found = sent
            with self._lock:
                self._forms[code] = found
        return found

    def _sent_form(self, code: str) -> FormDef | None:
        path = self.reference_file("forms")
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entry = data.get(code) if isinstance(data, dict) else None
            return None if entry is None else parse_form(json.dumps(entry, ensure_ascii=False), str(path))
        except (OSError, ValueError, ConfigError) as exc:
            log.warning("reference form %s unusable, using the shipped one: %s", code, exc)
            return None

    def calendar(self) -> HolidayCalendar:
        """The holiday calendar: shipped years, corrected or extended by what the central system sent."""
        return load_calendar(self.reference_file("holidays"))

    def forget_reference(self) -> None:
        """New reference data arrived: read forms and figures again when next asked."""
        with self._lock:
            self._forms.clear()
            self._figures.clear()

    def figures(self, province: str | None = None) -> ProvincialFigures | None:
        """The yearly figures of the office's province (or of ``province``, "00" national), read once.

        None when the terminal has no figures for it: the panels then say so instead of estimating.
        """
        code = province or self.settings.province_code
        with self._lock:
            if code in self._figures:
                return self._figures[code]
        try:
            found: ProvincialFigures | None = load_figures(code, self.reference_file(f"figures-{code}"))
        except ConfigError as exc:
            log.warning("no yearly figures for province %s: %s", code, exc.detail)
            found = None
        with self._lock:
            self._figures[code] = found
        return found

    def send_now(self) -> None:
        if self.sender is not None:
            self.sender.wake()

    def close(self) -> None:
        if self.camera is not None:
            self.camera.stop()
        if self.card_watcher is not None:
            self.card_watcher.stop()
        if self.id_watcher is not None:
            self.id_watcher.stop()
        if self.sender is not None:
            self.sender.stop()
        if self.client is not None:
            self.client.close()
        self.db.close()


def build_terminal(settings: Settings, secrets: SecretStore, *, start_sender: bool = True,
                   backoff: Backoff | None = None, start_devices: bool = True,
                   camera_backend: CameraBackend | None = None) -> Terminal:
    """Open the database (upgrading it), and start the sender when a token is configured.

    Without a token the terminal still works offline: everything is saved and
    queued, and goes out once an administrator has registered the terminal.
    """
    db = open_database(settings.database_path(), secrets.database_key())  # no keyring: refuse to start
    terminal = Terminal(settings=settings, db=db, catalogue=load_catalogue())
    terminal.blobs = open_blob_store(settings, secrets)
    try:
        token = secrets.terminal_token()
    except ConfigError as exc:  # no OS keyring: work offline rather than not at all
        log.warning("terminal token unavailable: %s", exc.detail)
        token = None
    if token and settings.terminal_id:
        terminal.client = CentralClient(settings.central_url, token, timeout=settings.central_timeout)
        terminal.sender = SyncEngine(db, terminal.client, terminal.publish, backoff=backoff,
                                     blobs=terminal.blobs, reference=reference_target(settings))
        if start_sender:
            terminal.sender.start()
    else:
        log.warning("no terminal id or token configured: submissions stay queued locally")
    if start_devices:
        start_card_watcher(terminal)
        start_id_watcher(terminal)
        start_camera(terminal, camera_backend)
    return terminal


def _replay_slot(event: object) -> tuple[object, str]:
    """Events replayed to a late listener: the latest of each type, and for the sync engine (one slot
    for all its event types) its connection state separately, so that a later "reference updated"
    does not hide whether we are online."""
    if isinstance(event, SYNC_EVENTS):
        return ("sync", "connection" if isinstance(event, Online | Offline) else "activity")
    return (type(event), "")


def reference_target(settings: Settings) -> ReferenceTarget:
    """The reference data this terminal keeps: all forms, holidays, its province's and the national figures."""
    names = ("forms", "holidays", f"figures-{settings.province_code}", "figures-00")
    return ReferenceTarget(settings.resolved_data_dir() / "reference", names, validate=validate_reference)


def validate_reference(name: str, data: dict[str, Any]) -> None:
    """Refuse reference data the terminal could not use (ConfigError), before it replaces the cached set."""
    if name == "forms":
        for code, entry in data.items():
            form = parse_form(json.dumps(entry, ensure_ascii=False), f"reference forms/{code}")
            if form.code != code:
                raise ConfigError(f"reference form {code!r} declares code {form.code!r}")
    elif name == "holidays":
        calendar_from_data(data)
    elif name.startswith("figures-"):
        figures_from_data(data)


BLOB_KEY = "blob-key"


def open_blob_store(settings: Settings, secrets: SecretStore) -> BlobStore | None:
    """The scans' store, keyed from the OS keyring (a key is made on first use).

    A data directory copied to another machine is useless without this machine's keyring.
    """
    try:
        stored = secrets.get(BLOB_KEY)
        if stored is None:
            stored = new_key().hex()
            secrets.set(BLOB_KEY, stored)
    except ConfigError as exc:
        log.warning("scans cannot be stored: %s", exc.detail)
        return None
    key = bytes.fromhex(stored)
    if len(key) != KEY_BYTES:
        raise ConfigError("blob key in the keyring is malformed",
                          user_message="系统密钥库中的扫描件密钥已损坏。",
                          hint="请联系系统管理员；不要删除该密钥，否则已保存的扫描件将无法读取。")
    return BlobStore(settings.resolved_data_dir() / "blobs", key)


def start_camera(terminal: Terminal, backend: CameraBackend | None = None) -> None:
    """Open the document camera (or the one given, e.g. the demo's simulator) unless switched off."""
    devices = terminal.settings.devices
    if terminal.camera is not None or (backend is None and devices.camera == "off"):
        return
    from app.camera import CameraService

    if backend is None:
        if devices.camera == "simulated":
            from devices.sim.camera import SimulatedCameraBackend

            backend = SimulatedCameraBackend()
        else:
            from devices.camera.opencv import OpenCvBackend

            backend = OpenCvBackend()
    terminal.camera = CameraService(backend, terminal.publish, name_hint=devices.camera_name)
    terminal.camera.start()


def start_card_watcher(terminal: Terminal) -> None:
    """Watch PC/SC readers unless switched off; a simulated card sits behind the same pcscd."""
    if terminal.settings.devices.card_reader == "off" or terminal.card_watcher is not None:
        return
    from devices.card.watch import CardWatcher  # pyscard loads only when a reader is wanted

    terminal.card_watcher = CardWatcher(terminal.publish, reader=terminal.settings.devices.card_reader_name)
    terminal.card_watcher.start()


def start_id_watcher(terminal: Terminal) -> None:
    """Poll the ID reader's serial port (probing the ports when none is configured) unless switched off."""
    devices = terminal.settings.devices
    if devices.id_reader == "off" or terminal.id_watcher is not None:
        return
    from devices.idcard.watch import IdCardWatcher

    terminal.id_watcher = IdCardWatcher(terminal.publish, port=devices.id_reader_port, baud=devices.id_reader_baud)
    terminal.id_watcher.start()
