"""Demo mode: a whole counter on one machine, for training, demonstrations and ./run.

Its own data directory (local database, central database, logs), the reference
central system as a child process on loopback, simulated devices, and a demo
clerk. Nothing here touches a real terminal's settings, database or keyring
entries.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from pathlib import Path

from keyring.backend import KeyringBackend

from app.demo_devices import DemoCardDevices
from app.secrets import SecretStore, file_keyring, os_keyring
from app.settings import DeviceMode, DeviceSettings, Settings, save_settings
from app.terminal import build_terminal
from central.process import CentralServerProcess
from central.signing import generate
from central.store import add_terminal
from core.errors import CounterError
from core.private import make_private_dir, tighten_own
from local_db.clerks import ClerkExists, Role, add_clerk, reset_password

log = logging.getLogger(__name__)

DEMO_TERMINAL = "DEMO-0001"
DEMO_CLERK = "1001"
DEMO_SERVICE = "sicounter-demo"
#: the keyring service of the demo central system's signing key (never the real central's)
DEMO_CENTRAL_SERVICE = "sicounter-demo-central"


def demo_keyring(demo_dir: Path) -> tuple[KeyringBackend, Path | None]:
    """The OS keyring where the machine has one, else a keyring file in the demo directory (its directory)."""
    backend = os_keyring()
    if backend is not None:
        return backend, None
    print(f"note: no OS keyring on this machine; demo secrets kept in {demo_dir / 'keyring'}", flush=True)
    return file_keyring(demo_dir / "keyring"), demo_dir / "keyring"


def demo_signing_key(backend: KeyringBackend, directory: Path | None) -> tuple[str, tuple[str, ...]]:
    """The demo central system's reference signing key (made once, in the keyring of the demo's secrets):
    its public key, which the demo terminal is enrolled with, and the ``serve`` options to use it."""
    signer, _made = generate(backend, DEMO_CENTRAL_SERVICE)
    where = ("--keyring-dir", str(directory)) if directory is not None else ()
    return signer.public_key_text(), ("--keyring-service", DEMO_CENTRAL_SERVICE, *where)


#: what the demo keeps in its folder (``--dir`` may name one that holds other things too)
_DEMO_ENTRIES = ("keyring", "terminal", "pcscd", "settings.toml", "central.log", "central-blobs")


def _demo_entry(entry: Path) -> bool:
    return entry.name in _DEMO_ENTRIES or entry.name.startswith("central.sqlite3")


#: the demo central system's registry (persons, employers, seed): every kind of person, quick to make
DEMO_REGISTRY = (2000, 100, 2026)


def seed_demo_registry(central_db: Path) -> None:
    """Fill the demo central system's registry once (``central seed``), with the demo's card holders in it
    (``app.demo_registry``); a seeded one is kept as it is."""
    from app.demo_registry import add_demo_persons
    from central.registry_seed import RegistryAlreadySeeded, seed_registry
    from central.store import CentralStore

    with CentralStore.open(central_db) as central:
        with contextlib.suppress(RegistryAlreadySeeded):
            persons, employers, seed = DEMO_REGISTRY
            seed_registry(central, persons=persons, employers=employers, seed=seed)
        add_demo_persons(central)  # the demo's own card holders, so its cards are found


def run_demo(demo_dir: Path, *, screenshot_dir: Path | None = None) -> int:
    from app.ui.qt_app import run_gui  # Qt only once we really show a window

    demo_dir = demo_dir.resolve()
    make_private_dir(demo_dir)
    tighten_own(demo_dir, _demo_entry)  # the demo's own: keyring file, both databases, logs (issue 17)
    backend, keyring_dir = demo_keyring(demo_dir)
    store = SecretStore(backend, service=DEMO_SERVICE)  # never a real terminal's entries
    central_db = demo_dir / "central.sqlite3"
    store.set_terminal_token(add_terminal(central_db, DEMO_TERMINAL))  # rotated on every start
    seed_demo_registry(central_db)  # lookups answer from a synthetic registry (issue 20), made on the first start
    password = store.get("demo-clerk-password")
    if not password:
        password = f"{secrets.randbelow(10**8):08d}"
        while len(set(password)) == 1:  # the password policy refuses one digit repeated
            password = f"{secrets.randbelow(10**8):08d}"
        store.set("demo-clerk-password", password)

    # a reviewer that approves every second application and returns the others after half a minute,
    # so the demo shows the whole life of a case: accepted, returned with a reason, corrected, closed
    # the demo central signs its reference data; the demo terminal is enrolled with its public key
    signing_key, signing_args = demo_signing_key(backend, keyring_dir)
    server = CentralServerProcess.start(central_db, stderr_path=demo_dir / "central.log",
                                        extra_args=("--review", "alternate", "--review-delay", "30", *signing_args))
    print(f"central system (reference) at {server.base_url}", flush=True)
    cards = DemoCardDevices(demo_dir)
    try:
        id_port = cards.start_id_reader()
        print(f"simulated ID card reader on {id_port}", flush=True)
        card_reader: DeviceMode = "simulated"
        try:
            cards.start()
            print("simulated social security card reader ready", flush=True)
        except CounterError as exc:  # the demo still runs, without the card simulator
            card_reader = "off"
            print(f"card simulator unavailable: {exc.user_message}", flush=True)
        settings = Settings(
            central_url=server.base_url,
            central_signing_key=signing_key,
            terminal_id=DEMO_TERMINAL,
            province_code="61",
            office_name="演示服务大厅（模拟数据）",
            data_dir=demo_dir / "terminal",
            devices=DeviceSettings(card_reader=card_reader, id_reader="simulated", id_reader_port=id_port,
                                   camera="simulated"),
        )
        save_settings(settings, demo_dir / "settings.toml")
        cards.place_document("a4_text")
        terminal = build_terminal(settings, store, camera_backend=cards.camera_backend)
        try:
            try:  # the demo clerk receives (受理) and reviews (复核), so one person can try every step
                add_clerk(terminal.db, DEMO_CLERK, "演示柜员", password,
                          roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
            except ClerkExists:  # a demo directory used before: same password, any lockout lifted
                reset_password(terminal.db, DEMO_CLERK, password)
            print(f"demo clerk: {DEMO_CLERK} / password {password}", flush=True)

            def auto_sign_in(dialog: object) -> None:
                from app.ui.signin import SignInDialog

                assert isinstance(dialog, SignInDialog)
                dialog.password_edit.setText(password)
                dialog.button.click()

            return run_gui(
                terminal,
                clerk_id=DEMO_CLERK,
                sign_in_hint=f"演示模式：工号 {DEMO_CLERK}，密码 {password}",
                screenshot_dir=screenshot_dir,
                auto_sign_in=auto_sign_in if screenshot_dir is not None else None,
                demo=cards,
            )
        finally:
            terminal.close()
    finally:
        cards.close()
        server.stop()
