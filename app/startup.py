"""Building the terminal behind the sign-in dialog, on a thread of its own.

``sicounter gui`` must show its sign-in dialog within a second of starting (bench/startup.py). Opening
the keyring and the database, starting the sender and the devices, and importing the main window's
modules (SQLAlchemy, httpx, OpenCV, pyscard, the receipt renderer) take longer than that, and the
dialog needs none of them to be typed into. So the window starts a ``TerminalLoading`` once the dialog
is on screen; a sign-in waits here (boundedly) for the terminal and for whatever else the main window
needs, so a clerk who is quicker than the loading sees "正在验证…" a moment longer, never an error.

Qt-free: the window passes in what to load after the terminal and how to hear of a failure.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from core.errors import CounterError

if TYPE_CHECKING:
    from app.settings import Settings
    from app.terminal import Terminal

log = logging.getLogger(__name__)

#: how long a sign-in waits for the terminal still being built (a migration of a large database included)
READY_TIMEOUT = 300.0
#: how long closing waits for a loading thread still at work before leaving it to the process's end
CLOSE_TIMEOUT = 60.0


class StillStarting(CounterError):
    """The terminal was not ready in time, or the program is closing while it loads."""

    user_message = "终端仍在启动，暂时无法登录。"
    hint = "请稍候再试；如长时间无法登录，请重新启动本程序，仍不行请联系系统管理员。"


def build_counter_terminal(settings: Settings) -> Terminal:
    """What the clerk's window runs behind its dialog: the OS keyring, the database, the sender, the devices."""
    from app.secrets import SecretStore, os_keyring
    from app.terminal import build_terminal

    return build_terminal(settings, SecretStore(os_keyring()))


class TerminalLoading:
    """A terminal being built on a background thread; ``terminal()`` waits for it.

    ``then`` runs on the same thread after the terminal is built (the window imports its modules
    there); ``terminal()`` returns only once it has run too. ``on_failure`` hears, on the loading
    thread, of an exception from either. The loading owns the terminal it built: ``close`` closes it.
    """

    def __init__(self, settings: Settings, build: Callable[[Settings], Terminal] = build_counter_terminal, *,
                 then: Callable[[], object] | None = None,
                 on_failure: Callable[[BaseException], None] | None = None) -> None:
        self.settings = settings
        self._build = build
        self._then = then
        self._on_failure = on_failure
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._terminal: Terminal | None = None
        self._failure: BaseException | None = None
        self._finished = False
        self._closing = False

    def start(self) -> None:
        """Begin loading (once; later calls do nothing)."""
        with self._changed:
            if self._thread is not None or self._closing:
                return
            self._thread = threading.Thread(target=self._run, name="terminal-loading", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        terminal: Terminal | None = None
        try:
            terminal = self._build(self.settings)
            with self._changed:
                self._terminal = terminal
            if self._then is not None:
                self._then()
        except BaseException as exc:  # handed to whoever waits, and to the window
            if not isinstance(exc, CounterError):
                log.exception("building the terminal failed")
            with self._changed:
                self._failure = exc
                self._finished = True
                self._changed.notify_all()
            if self._on_failure is not None:
                self._on_failure(exc)
            return
        with self._changed:
            self._finished = True
            self._changed.notify_all()

    def failure(self) -> BaseException | None:
        """What stopped the loading, once it has stopped; None while it runs or when it succeeded."""
        with self._changed:
            return self._failure

    def terminal(self, timeout: float = READY_TIMEOUT) -> Terminal:
        """The built terminal, waiting for the loading to finish; its failure is raised here."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._finished or self._closing, timeout):
                raise StillStarting(f"terminal not ready after {timeout:.0f} s")
            if self._failure is not None:
                raise self._failure
            if not self._finished or self._terminal is None:
                raise StillStarting("the program is closing")
            return self._terminal

    def stop_waiting(self) -> None:
        """Release every ``terminal()`` still waiting (the program is closing); the loading itself goes on."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()

    def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """Stop waiters, let a loading in progress finish (a migration is never cut short by us), close the terminal."""
        self.stop_waiting()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                log.warning("the terminal was still loading after %.0f s; leaving it to the process's end", timeout)
                return
        with self._changed:
            terminal, self._terminal = self._terminal, None
        if terminal is not None:
            terminal.close()
