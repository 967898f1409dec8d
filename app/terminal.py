"""Composition root: build the terminal's backends from settings once, and pass them down frozen.

Nothing here imports Qt; the window, the CLI and the tests all get a ``Terminal`` the same way. The
terminal is frozen: everything it holds (database, catalogue, scans' store, central client, sync
engine, devices, the event hub, the reference data) is built by ``build_terminal`` before it exists,
so no part of the program can swap a backend under another's feet. What changes at run time lives
in its own class: events in ``app/events.py``, the reference-data cache in ``app/reference.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from app.audit import open_audit_trail
from app.device_registry import CAMERA, DeviceEvent, DeviceRegistry, DeviceService, default_registry, stop_devices
from app.due_dates import refresh_quietly
from app.events import EventHub
from app.reference import ReferenceData, reference_target
from app.retention import RetentionKeeper
from app.secrets import SecretStore
from app.settings import Settings
from app.trust import record_trust_at_start
from core.errors import ConfigError
from forms.catalogue import ServiceItem, load_catalogue
from local_db.audit import AuditTrail
from local_db.blobstore import KEY_BYTES, BlobStore
from local_db.clerks import UnknownFailures
from local_db.database import Database, open_database
from local_db.retention import PurgeResult
from sync.client import CentralClient
from sync.engine import Backoff, SyncEngine
from sync.events import SYNC_EVENTS, Offline, Online, ReferenceUpdated

if TYPE_CHECKING:
    from app.camera import CameraService
    from devices.camera.connection import CameraBackend

#: how a background part reports: a sync.events.SyncEvent, a device's DeviceEvent, ... (to ``Terminal.events``)
Publish = Callable[[object], None]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Terminal:
    """The backends of one terminal, built once by ``build_terminal``."""

    settings: Settings
    db: Database
    catalogue: tuple[ServiceItem, ...]
    #: background events (sender, devices), replayed to late listeners
    events: EventHub[object]
    #: forms, figures and calendar, read once, forgotten when the central system sends new ones
    reference: ReferenceData
    #: the audit trail's writer and reader (who did what, in the encrypted database; ``local_db.audit``)
    audit: AuditTrail
    client: CentralClient | None = None
    sender: SyncEngine | None = None
    #: the devices this terminal knows (status bar, identity reads) and those of them running, by key
    registry: DeviceRegistry = field(default_factory=lambda: DeviceRegistry(()))
    devices: Mapping[str, DeviceService] = field(default_factory=lambda: MappingProxyType({}))
    #: encrypted scans; None when the OS keyring cannot hold the key (scanning then refuses to save)
    blobs: BlobStore | None = None
    #: the daily purge of what the retention period has passed (``app/retention.py``), when it runs
    retention: RetentionKeeper | None = None
    #: wrong sign-ins for unknown staff numbers, so they lock like real ones (``local_db.clerks.UnknownFailures``)
    unknown_signins: UnknownFailures = field(default_factory=UnknownFailures)

    def publish(self, event: object) -> None:
        """Report an event as a background part would (the hub replays it to late listeners)."""
        self.events.publish(event)

    @property
    def camera(self) -> CameraService | None:
        """The document camera's service (the capture dialog's frames and stills), when it runs."""
        from app.camera import CameraService

        service = self.devices.get(CAMERA)
        return service if isinstance(service, CameraService) else None

    def send_now(self) -> None:
        """Cut the sync engine's wait short ("立即同步", or a submission was just queued)."""
        if self.sender is not None:
            self.sender.wake()

    def close(self) -> None:
        if self.retention is not None:
            self.retention.stop()
        stop_devices(self.devices)
        if self.sender is not None:
            self.sender.stop()
        if self.client is not None:
            self.client.close()
        self.db.close()


def build_terminal(settings: Settings, secrets: SecretStore, *, start_sender: bool = True,
                   backoff: Backoff | None = None, start_devices: bool = True,
                   camera_backend: CameraBackend | None = None, registry: DeviceRegistry | None = None,
                   start_retention: bool | None = None, refresh_due: bool | None = None,
                   clock: Callable[[], datetime] | None = None) -> Terminal:
    """Open the database (upgrading it), start the sender when a token is configured, and the devices.

    ``registry``: the devices to know and start (default: ``default_registry(camera_backend=…)``).
    ``start_retention``: run the daily purge in the background (default: as ``start_sender``; a
    command-line tool that opens the terminal for one command runs none).
    ``refresh_due``: count provisional due dates again with the calendar in force, and fill those of
    submissions from before due dates were stored (``app.due_dates``; default: as ``start_sender``).
    ``clock``: the time a completed reference-data check is recorded with (default now; tests turn it forward).

    Without a token the terminal still works offline: everything is saved and
    queued, and goes out once an administrator has registered the terminal.
    """
    db = open_database(settings.database_path(), secrets.database_key())  # no keyring: refuse to start
    try:
        audit = open_audit_trail(secrets)  # nothing unrecorded: no secret, no terminal
        record_trust_at_start(db, audit, settings)  # a trust setting edited by hand goes on the trail
    except ConfigError:
        db.close()
        raise
    if registry is None:
        registry = default_registry(camera_backend=camera_backend)
    elif camera_backend is not None:
        raise TypeError("give the camera backend to default_registry(), not with a registry")
    events: EventHub[object] = EventHub(_replay_slot)
    reference = ReferenceData(settings)
    # the first listener: forms and figures are read again before anyone hears that new ones arrived
    events.subscribe(lambda event: reference.forget() if _reference_arrived(event) else None)
    blobs = open_blob_store(settings, secrets)
    try:
        token = secrets.terminal_token()
    except ConfigError as exc:  # no OS keyring: work offline rather than not at all
        log.warning("terminal token unavailable: %s", exc.detail)
        token = None
    client: CentralClient | None = None
    sender: SyncEngine | None = None
    if token and settings.terminal_id:
        try:
            client = CentralClient(settings.central_url, token, timeout=settings.central_timeout,
                                   ca_file=settings.central_ca_file)
        except ConfigError:
            db.close()
            raise
        sender = SyncEngine(db, client, events.publish, backoff=backoff, blobs=blobs,
                            reference=reference_target(settings, audit, _due_dates_after(db, reference, audit),
                                                       clock=clock))
    else:
        log.warning("no terminal id or token configured: submissions stay queued locally")
    devices: dict[str, DeviceService] = {}
    if start_devices:
        devices = registry.start_all(settings, events.publish)
    keeper: RetentionKeeper | None = None
    if start_sender if start_retention is None else start_retention:
        keeper = RetentionKeeper(lambda: _purge_daily(terminal), events.publish)
    if start_sender if refresh_due is None else refresh_due:
        refresh_quietly(db, reference, audit, "startup")
    terminal = Terminal(settings=settings, db=db, catalogue=tuple(load_catalogue()), events=events, reference=reference,
                        audit=audit, client=client, sender=sender, registry=registry,
                        devices=MappingProxyType(devices), blobs=blobs, retention=keeper)
    if sender is not None and start_sender:
        sender.start()
    if keeper is not None:
        keeper.start()
    return terminal


def _due_dates_after(db: Database, reference: ReferenceData,
                     audit: AuditTrail) -> Callable[[tuple[str, ...]], None]:
    """What follows new reference data: due dates counted again when a holiday schedule came."""

    def after(names: tuple[str, ...]) -> None:
        if "holidays" in names:
            refresh_quietly(db, reference, audit, "holidays")

    return after


def _purge_daily(terminal: Terminal) -> PurgeResult:
    from app.usecases.retention import purge_daily  # the use cases import this module

    return purge_daily(terminal)


def _replay_slot(event: object) -> object:
    """Events replayed to a late listener: the latest of each device, and for the sync engine (one slot
    for all its event types) its connection state separately, so that a later "reference updated"
    does not hide whether we are online."""
    if isinstance(event, SYNC_EVENTS):
        return ("sync", "connection" if isinstance(event, Online | Offline) else "activity")
    if isinstance(event, DeviceEvent):
        return (DeviceEvent, event.device)
    return (type(event), "")


def _reference_arrived(event: object) -> bool:
    """The sync engine stored new reference data (the cached forms and figures are stale)."""
    return isinstance(event, ReferenceUpdated)


BLOB_KEY = "blob-key"


def open_blob_store(settings: Settings, secrets: SecretStore) -> BlobStore | None:
    """The scans' store, keyed from the OS keyring (a key is made on first use).

    A data directory copied to another machine is useless without this machine's keyring.
    """
    try:
        key = secrets.random_key(BLOB_KEY, KEY_BYTES)
    except ConfigError as exc:
        log.warning("scans cannot be stored: %s", exc.detail)
        return None
    if key is None:
        raise ConfigError("blob key in the keyring is malformed",
                          user_message="系统密钥库中的扫描件密钥已损坏。",
                          hint="请联系系统管理员；不要删除该密钥，否则已保存的扫描件将无法读取。")
    return BlobStore(settings.resolved_data_dir() / "blobs", key)
