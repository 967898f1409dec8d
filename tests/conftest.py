"""Suite-wide isolation: no test touches the developer's config, data or keyring."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from devices.sim.pcscd import PcscdProcess

# Qt widgets in tests render offscreen unless a caller chose otherwise (./test sets it too).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                     ("XDG_STATE_HOME", "state"), ("XDG_CACHE_HOME", "cache")):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    # Any accidental use of the default keyring fails loudly instead of reaching a real one.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    yield


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "terminal"
    path.mkdir()
    return path


#: vpcd port of the suite's private pcscd (readers "Virtual PCD 00 00" here and "00 01" on the next port)
VPCD_PORT = 39425
#: how long to wait for a pcscd of another test run to finish before failing
FOREIGN_PCSCD_WAIT = 300.0


@pytest.fixture(scope="session")
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PcscdProcess]:
    """One real pcscd with the vpcd driver for the whole run (pcscd is one per machine).

    ./test installs pcscd and vsmartcard-vpcd, so their absence is a failure, not a skip.
    A pcscd of anyone else (another test run, the system's) is waited for, boundedly,
    so two runs on one machine take turns instead of failing at once; one left behind by
    a run that was killed is stopped (``PcscdProcess.start``)."""
    from devices.sim.pcscd import PCSCD, VPCD_DRIVER, PcscdAlreadyRunning, PcscdProcess, running_pcscd

    if not Path(PCSCD).exists() or not Path(VPCD_DRIVER).exists():
        pytest.fail("pcscd and vsmartcard-vpcd are not installed: run ./test, which installs them")
    deadline = time.monotonic() + FOREIGN_PCSCD_WAIT
    while True:
        try:
            process = PcscdProcess.shared(tmp_path_factory.mktemp("pcscd") / "reader.conf.d", VPCD_PORT)
            break
        except PcscdAlreadyRunning:
            if time.monotonic() > deadline:
                pytest.fail(f"another pcscd (pid {running_pcscd()}) owns /run/pcscd/pcscd.comm for more than "
                            f"{FOREIGN_PCSCD_WAIT:g} s; stop it to run the card tests")
            time.sleep(0.5)
    try:
        yield process
    finally:
        if process.owned:
            process.stop()


@pytest.fixture
def pcscd_vpcd(pcscd: PcscdProcess) -> int:
    """The vpcd port a virtual card connects to, pcscd restarted if a test left it stopped."""
    if not pcscd.running:
        pcscd.restart()
    return pcscd.port
