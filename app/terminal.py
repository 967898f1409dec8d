"""Composition root: build the terminal's backends from settings and pass them down.

Nothing here imports Qt; the window, the CLI and the tests all get a
``Terminal`` the same way.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from app.secrets import SecretStore
from app.settings import Settings
from core.errors import ConfigError
from forms.catalogue import ServiceItem, load_catalogue
from local_db.database import Database, open_database
from sync.client import CentralClient
from sync.sender import Backoff, OutboxSender, SenderEvent

log = logging.getLogger(__name__)


@dataclass
class Terminal:
    settings: Settings
    db: Database
    catalogue: list[ServiceItem]
    client: CentralClient | None = None
    sender: OutboxSender | None = None
    _listeners: list[Callable[[SenderEvent], None]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add_listener(self, listener: Callable[[SenderEvent], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[SenderEvent], None]) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _dispatch(self, event: SenderEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(event)

    def send_now(self) -> None:
        if self.sender is not None:
            self.sender.wake()

    def close(self) -> None:
        if self.sender is not None:
            self.sender.stop()
        if self.client is not None:
            self.client.close()
        self.db.close()


def build_terminal(settings: Settings, secrets: SecretStore, *, start_sender: bool = True,
                   backoff: Backoff | None = None) -> Terminal:
    """Open the database (upgrading it), and start the sender when a token is configured.

    Without a token the terminal still works offline: everything is saved and
    queued, and goes out once an administrator has registered the terminal.
    """
    db = open_database(settings.database_path())
    terminal = Terminal(settings=settings, db=db, catalogue=load_catalogue())
    try:
        token = secrets.terminal_token()
    except ConfigError as exc:  # no OS keyring: work offline rather than not at all
        log.warning("terminal token unavailable: %s", exc.detail)
        token = None
    if token and settings.terminal_id:
        terminal.client = CentralClient(settings.central_url, token)
        terminal.sender = OutboxSender(db, terminal.client, terminal._dispatch, backoff=backoff)
        if start_sender:
            terminal.sender.start()
    else:
        log.warning("no terminal id or token configured: submissions stay queued locally")
    return terminal
