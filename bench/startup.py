"""Benchmark: from starting ``sicounter gui`` to the sign-in window being visible on the X server.

Run: ``.venv/bin/python bench/startup.py [--runs N]``. Limit: median 1.0 s (issue 15, item 6).

It prepares once a terminal data directory as a counter PC has it: settings with a terminal id and a
central URL (a loopback port nobody serves, so the sender starts and finds the line down), an existing,
migrated database with a clerk, the terminal token, the database and scan keys in a keyring, and the
devices on ``auto`` (the card reader isolated from any pcscd on the machine, the ID reader on a
pseudo-terminal that never answers, no camera attached). The keyring is the suite's stand-in for an OS
keyring (``tests/os_keyring_stand_in.py``, chosen through keyring's own ``PYTHON_KEYRING_BACKEND``), so
production ``sicounter gui`` runs unchanged and still refuses to start without a keyring.

Without a DISPLAY it starts its own Xvfb. After one warm-up run (warm disk cache) it runs ``sicounter gui``
(the installed console script, the real entry point) ``--runs`` times: the clock starts just before the
spawn; observed from this process through Xlib, it notes when the X server maps a top-level window titled
柜员登录 (a MapNotify on the root window, the title read from the window's _NET_WM_NAME: what
``xdotool search --onlyvisible`` would find) and when the program first draws into it (the DAMAGE
extension; Qt maps its windows without a background, so until then the screen shows what was behind).
The later of the two, first drawn, is the figure compared with the limit. Then the program is stopped
with SIGTERM, as at the end of a clerk's day, and must exit cleanly.

For information it also times, outside the program as well (medians of ``--runs``): the bare interpreter,
importing PySide6's widgets, importing the modules ``sicounter gui`` loads before its dialog is shown, and
importing the main window module (which now loads behind the dialog).
"""

from __future__ import annotations

import argparse
import ctypes
import os
import pty
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the keyring stand-in lives in tests/

LIMIT = 1.0
TITLE = "柜员登录"
OFFICE = "基准测试服务大厅"
MAIN_TITLE = f"— {OFFICE}"  # the main window's title: 社会保险经办柜台终端 — <office>
CLERK_ID, CLERK_NAME, PASSWORD = "2001", "基准柜员", "bench2026"
#: what ``sicounter gui`` imports before its sign-in dialog is shown (tests/app/test_startup.py checks it)
SIGN_IN_PATH = "app.cli, app.ui.launch"


# --- watching the X server from outside the program --------------------------------------------------

_CREATE_NOTIFY, _DESTROY_NOTIFY, _UNMAP_NOTIFY, _MAP_NOTIFY = 16, 17, 18, 19
_SUBSTRUCTURE_NOTIFY_MASK = 1 << 19
_DAMAGE_REPORT_NON_EMPTY = 3


class XWatcher:
    """A client of the X server that sees top-level windows mapped and first drawn into.

    Without a window manager (Xvfb) top-level windows are children of the root, so selecting
    SubstructureNotify on the root shows every creation, map and unmap as the server performs it. A
    DAMAGE object made on each new window reports the first drawing into it (Qt maps its windows with
    no background, so until the program paints, the screen still shows what was behind): the moment
    a person would see the dialog. Both times are taken when the event reaches this process."""

    def __init__(self, display: str) -> None:
        x = ctypes.CDLL("libX11.so.6")
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XConnectionNumber.argtypes = [ctypes.c_void_p]
        x.XPending.argtypes = [ctypes.c_void_p]
        x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        x.XInternAtom.restype = ctypes.c_ulong
        x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        x.XGetWindowProperty.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long, ctypes.c_int,
            ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_int),
            ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_void_p)]
        x.XFree.argtypes = [ctypes.c_void_p]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        # a window destroyed between its creation and our question must not end this process
        self._on_error = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(lambda _d, _e: 0)
        x.XSetErrorHandler(self._on_error)
        self._x = x
        self._dpy = x.XOpenDisplay(display.encode())
        if not self._dpy:
            raise RuntimeError(f"cannot open X display {display}")
        self._root = x.XDefaultRootWindow(self._dpy)
        self._net_wm_name = x.XInternAtom(self._dpy, b"_NET_WM_NAME", 0)
        self._utf8 = x.XInternAtom(self._dpy, b"UTF8_STRING", 0)
        self._damage, self._damage_event = self._open_damage()
        x.XSelectInput(self._dpy, self._root, _SUBSTRUCTURE_NOTIFY_MASK)
        x.XSync(self._dpy, 0)
        self._fd = x.XConnectionNumber(self._dpy)
        self._mapped: dict[int, float] = {}
        self._drawn: dict[int, float] = {}

    def _open_damage(self) -> tuple[ctypes.CDLL | None, int]:
        try:
            damage = ctypes.CDLL("libXdamage.so.1")
        except OSError:
            return None, -1
        damage.XDamageQueryExtension.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int),
                                                 ctypes.POINTER(ctypes.c_int)]
        damage.XDamageCreate.restype = ctypes.c_ulong
        damage.XDamageCreate.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int]
        event_base, error_base = ctypes.c_int(), ctypes.c_int()
        if not damage.XDamageQueryExtension(self._dpy, ctypes.byref(event_base), ctypes.byref(error_base)):
            return None, -1
        return damage, event_base.value  # XDamageNotify is the extension's first event

    @property
    def sees_drawing(self) -> bool:
        return self._damage is not None

    def title(self, window: int) -> str:
        kind, fmt = ctypes.c_ulong(), ctypes.c_int()
        count, after, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        status = self._x.XGetWindowProperty(self._dpy, window, self._net_wm_name, 0, 4096, 0, self._utf8,
                                            ctypes.byref(kind), ctypes.byref(fmt), ctypes.byref(count),
                                            ctypes.byref(after), ctypes.byref(data))
        if status != 0 or not data.value:
            return ""
        try:
            return ctypes.string_at(data.value, count.value).decode("utf-8", "replace")
        finally:
            self._x.XFree(data)

    def _drain(self) -> None:
        event = (ctypes.c_ulong * 24)()
        while self._x.XPending(self._dpy):
            self._x.XNextEvent(self._dpy, event)
            now = time.monotonic()
            # XCreateWindowEvent, XMapEvent, XUnmapEvent: type, serial, send_event, display, parent/event, window;
            # XDamageNotifyEvent: type, serial, send_event, display, drawable
            kind = event[0] & 0xFFFFFFFF
            if kind == _CREATE_NOTIFY and self._damage is not None:
                self._damage.XDamageCreate(self._dpy, event[5], _DAMAGE_REPORT_NON_EMPTY)
            elif kind == _MAP_NOTIFY:
                self._mapped.setdefault(int(event[5]), now)
            elif kind in (_UNMAP_NOTIFY, _DESTROY_NOTIFY):
                self._mapped.pop(int(event[5]), None)
            elif kind == self._damage_event:
                self._drawn.setdefault(int(event[4]), now)

    def forget(self) -> None:
        self._drain()
        self._mapped.clear()
        self._drawn.clear()

    def wait_for(self, title: str, deadline: float, alive: subprocess.Popen[bytes]) -> tuple[float, float | None]:
        """When a top-level window whose title contains ``title`` was mapped, and first drawn into
        (None without the DAMAGE extension): monotonic times."""
        window: int | None = None
        while time.monotonic() < deadline:
            self._drain()
            if window is None:
                window = next((w for w in self._mapped if title in self.title(w)), None)
            if window is not None and window in self._mapped:
                if not self.sees_drawing:
                    return self._mapped[window], None
                if window in self._drawn:
                    return self._mapped[window], max(self._drawn[window], self._mapped[window])
            if alive.poll() is not None:
                raise RuntimeError(f"sicounter gui exited with {alive.returncode} before its window showed")
            select.select([self._fd], [], [], 0.005)  # wake on the next event, or look again (a title set late)
        raise RuntimeError(f"no window titled {title!r} was shown in time")

    def type_keys(self, keysyms: list[str]) -> bool:
        """Press and release each key (X keysym names) through XTEST, as a keyboard would; False without XTEST."""
        try:
            xtest = ctypes.CDLL("libXtst.so.6")
        except OSError:
            return False
        xtest.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
        self._x.XStringToKeysym.restype = ctypes.c_ulong
        self._x.XStringToKeysym.argtypes = [ctypes.c_char_p]
        self._x.XKeysymToKeycode.restype = ctypes.c_ubyte
        self._x.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self._x.XFlush.argtypes = [ctypes.c_void_p]
        for name in keysyms:
            code = self._x.XKeysymToKeycode(self._dpy, self._x.XStringToKeysym(name.encode()))
            if not code:
                raise RuntimeError(f"no key for {name!r} on this display")
            xtest.XTestFakeKeyEvent(self._dpy, code, 1, 0)
            xtest.XTestFakeKeyEvent(self._dpy, code, 0, 0)
        self._x.XFlush(self._dpy)
        return True

    def close(self) -> None:
        self._x.XCloseDisplay(self._dpy)


@contextmanager
def x_display() -> Iterator[str]:
    """The current DISPLAY, or a private Xvfb for the benchmark."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    for n in range(130, 160):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            break
    else:
        raise RuntimeError("no free X display number")
    xvfb = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{n}").exists():
                break
            time.sleep(0.05)
        yield f":{n}"
    finally:
        xvfb.terminate()
        xvfb.wait(10)


# --- the terminal's data directory ---------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(base: Path, id_port: str) -> tuple[Path, dict[str, str]]:
    """Settings, keyring and a migrated database with a clerk; returns the config path and the environment."""
    env = os.environ.copy()
    env |= {
        "PYTHON_KEYRING_BACKEND": "tests.os_keyring_stand_in.FileBackend",
        "SICOUNTER_TEST_KEYRING": str(base / "keyring.json"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        "XDG_CONFIG_HOME": str(base / "config"), "XDG_DATA_HOME": str(base / "data"),
        "XDG_STATE_HOME": str(base / "state"), "XDG_CACHE_HOME": str(base / "cache"),
        "PCSCLITE_CSOCK_NAME": str(base / "no-pcscd.comm"),  # never another pcscd's virtual cards
        "SICOUNTER_LANG": "zh",
    }
    os.environ["SICOUNTER_TEST_KEYRING"] = env["SICOUNTER_TEST_KEYRING"]
    from app.secrets import SecretStore
    from app.settings import DeviceSettings, Settings, save_settings
    from app.terminal import build_terminal
    from local_db.clerks import Role, add_clerk
    from tests.os_keyring_stand_in import FileBackend

    settings = Settings(central_url=f"http://127.0.0.1:{free_port()}", terminal_id="BENCH-0001",
                        office_name=OFFICE, data_dir=base / "terminal",
                        devices=DeviceSettings(id_reader_port=id_port))
    config = base / "settings.toml"
    save_settings(settings, config)
    store = SecretStore(FileBackend())
    store.set_terminal_token("bench-token")
    terminal = build_terminal(settings, store, start_sender=False, start_devices=False)
    try:
        add_clerk(terminal.db, CLERK_ID, CLERK_NAME, PASSWORD, roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
    finally:
        terminal.close()
    return config, env


# --- one run ---------------------------------------------------------------------------------------------

def sicounter() -> list[str]:
    script = Path(sys.executable).with_name("sicounter")
    return [str(script)] if script.exists() else [sys.executable, "-m", "app"]


@dataclass(frozen=True)
class Run:
    """Seconds from the spawn: the sign-in window mapped, first drawn, and (signing in the moment it is
    drawn) the main window first drawn; None where the X server cannot tell."""

    mapped: float
    drawn: float | None
    main: float | None


def keys_for(text: str) -> list[str]:
    return [{"-": "minus"}.get(ch, ch) for ch in text]


def one_run(watcher: XWatcher, config: Path, env: dict[str, str]) -> Run:
    watcher.forget()
    started = time.monotonic()
    process = subprocess.Popen([*sicounter(), "--config", str(config), "gui"], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        mapped, drawn = watcher.wait_for(TITLE, started + 60, process)
    except RuntimeError:
        process.kill()
        _, err = process.communicate(timeout=10)
        sys.stderr.write(err.decode(errors="replace"))
        raise
    main: float | None = None
    if drawn is not None and watcher.type_keys([*keys_for(CLERK_ID), "Tab", *keys_for(PASSWORD), "Return"]):
        try:
            main = watcher.wait_for(MAIN_TITLE, time.monotonic() + 60, process)[1]
        except RuntimeError as exc:
            print(f"  (the main window did not show after signing in: {exc})", file=sys.stderr)
    process.send_signal(signal.SIGTERM)
    try:
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate(timeout=10)
        raise RuntimeError("sicounter gui did not stop within 30 s of SIGTERM") from None
    if process.returncode != 0:
        sys.stderr.write(err.decode(errors="replace"))
        raise RuntimeError(f"sicounter gui exited with {process.returncode} after SIGTERM")
    return Run(mapped - started, None if drawn is None else drawn - started, None if main is None else main - started)


def timed_python(code: str, env: dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="prepare the data directory here and keep it")
    args = parser.parse_args(argv)
    if shutil.which("Xvfb") is None and not os.environ.get("DISPLAY"):
        print("startup: no DISPLAY and no Xvfb (scripts/setup.sh installs it)", file=sys.stderr)
        return 2

    master, slave = pty.openpty()  # the ID reader's port: a line on which no reader ever answers
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as tmp, x_display() as display:
        base = args.keep or Path(tmp)
        config, env = prepare(base, os.ttyname(slave))
        env["DISPLAY"] = display
        watcher = XWatcher(display)
        try:
            warm_up = one_run(watcher, config, env)
            runs = [one_run(watcher, config, env) for _ in range(args.runs)]
        finally:
            watcher.close()
        env_plain = {k: v for k, v in env.items() if k != "DISPLAY"} | {"QT_QPA_PLATFORM": "offscreen"}
        phases = {
            "interpreter (python -c pass)": "pass",
            "import PySide6.QtWidgets": "import PySide6.QtWidgets",
            f"import the sign-in path ({SIGN_IN_PATH})": f"import {SIGN_IN_PATH}",
            "import app.ui.main_window (behind the dialog)": "import app.ui.main_window",
        }
        splits = {name: statistics.median(timed_python(code, env_plain) for _ in range(args.runs))
                  for name, code in phases.items()}
    os.close(master)
    os.close(slave)

    mapped = [run.mapped for run in runs]
    drawn = [run.drawn for run in runs if run.drawn is not None]
    main = [run.main for run in runs if run.main is not None]
    figure = drawn if len(drawn) == len(runs) else mapped  # the stricter one where the server reports drawing
    median = statistics.median(figure)
    print(f"sicounter gui -> sign-in window on the X server ({display}), existing database, "
          f"{args.runs} runs after a warm-up")
    print("           sign-in window mapped   first drawn   main window drawn (signing in at once)")
    for label, run in [("warm-up", warm_up), *((f"run {i:2d}", run) for i, run in enumerate(runs, 1))]:
        print(f"  {label:8s}         {run.mapped * 1000:7.0f} ms    {_ms(run.drawn)}    {_ms(run.main)}")
    print(f"  median           {statistics.median(mapped) * 1000:7.0f} ms    "
          f"{_ms(statistics.median(drawn) if drawn else None)}    {_ms(statistics.median(main) if main else None)}")
    what = "first drawn" if figure is drawn else "mapped"
    print(f"  ratio of the sign-in window's median ({what}; min {min(figure) * 1000:.0f}, "
          f"max {max(figure) * 1000:.0f} ms) to the {LIMIT:.1f} s limit: {median / LIMIT:.2f}: "
          f"{'OK' if median <= LIMIT else 'OVER THE LIMIT'}")
    print("for information, each in a fresh interpreter (median wall time, no display):")
    for name, seconds in splits.items():
        print(f"  {name:60s} {seconds * 1000:7.0f} ms")
    return 0 if median <= LIMIT else 1


def _ms(seconds: float | None) -> str:
    return "      n/a" if seconds is None else f"{seconds * 1000:7.0f} ms"


if __name__ == "__main__":
    raise SystemExit(main())
