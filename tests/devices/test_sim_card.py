"""The simulator answers like a real card, over the real stack; its CLI, holders and pcscd helper."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from devices.card.connection import PcscConnection
from devices.sim.holders import DEMO_HOLDERS, demo_holder_data
from devices.sim.pcscd import PcscdAlreadyRunning, PcscdProcess
from devices.sim.sscard import Faults, Holder, VirtualCard, VpcdUnavailable

from .conftest import TODAY, WAIT, CardFactory, wait_card

H = bytes.fromhex
SELECT_APP = "00A404000F7378312E73682EC9E7BBE1B1A3D5CF"


@pytest.mark.parametrize(("commands", "sw"), [
    (["80A4040000"], 0x6E00),                       # unknown class
    (["0084000008"], 0x6D00),                       # unknown instruction (GET CHALLENGE)
    (["00B2080014"], 0x6986),                       # READ RECORD with no current EF
    (["00A40400037378FF"], 0x6A82),                 # unknown application
    (["00A4000002EF05"], 0x6A82),                   # EF05 outside the application
    ([SELECT_APP, "00A4000002EF09"], 0x6A82),       # unknown file
    ([SELECT_APP, "00A4080002EF05"], 0x6A86),       # wrong P1
    ([SELECT_APP, "00A4000003EF05"], 0x6700),       # Lc does not match the data
    ([SELECT_APP, "00A4000002EF06", "00B2080514"], 0x6A86),  # wrong P2
    ([SELECT_APP, "00A4000002EF06", "00B2200014"], 0x6A83),  # no such record
    ([SELECT_APP, "00A4000002EF06", "00B2080005"], 0x6C14),  # wrong Le: SW2 tells the right one
    ([SELECT_APP, "00A4000002EF06", "00B20800"], 0x6700),    # READ RECORD without Le
    (["00C0000010"], 0x6985),                       # GET RESPONSE with nothing pending
])
def test_card_status_words(make_card: CardFactory, reader: str, commands: list[str], sw: int) -> None:
    make_card()
    with PcscConnection.open(reader) as conn:
        for command in commands[:-1]:
            assert conn.transmit(H(command))[1] == 0x9000
        assert conn.transmit(H(commands[-1])) == (b"", sw)


def test_healthy_card_answers_both_addressing_modes(make_card: CardFactory, reader: str) -> None:
    make_card()
    with PcscConnection.open(reader) as conn:
        conn.transmit(H(SELECT_APP))
        conn.transmit(H("00A4000002EF06"))
        by_identifier = conn.transmit(H("00B20A0003"))
        by_number = conn.transmit(H("00B20A0403"))
    assert by_identifier == by_number == (H("0A0132"), 0x9000)


def test_faults_parse() -> None:
    assert Faults.parse(["mute", "slow_ms=200", "remove-after=5", "t0=false"]) == Faults(
        mute=True, slow_ms=200, remove_after=5, t0=False)
    for bad in (["nonsense"], ["slow_ms"], ["mute=banana"], ["slow_ms=-1"], ["remove_after=x"]):
        with pytest.raises(ValueError):
            Faults.parse(bad)


def _check_character(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


@pytest.mark.parametrize("name", DEMO_HOLDERS)
def test_demo_holders_are_consistent(name: str) -> None:
    holder = Holder.from_dict(demo_holder_data(name))
    assert _check_character(holder.ssn[:17]) == holder.ssn[17]
    assert holder.ssn[6:14] == holder.birth_date.strftime("%Y%m%d")
    assert (int(holder.ssn[16]) % 2 == 1) == (holder.sex == "male")
    assert holder.card_id_code[:6] == holder.birthplace_code
    assert not holder.expiry_date < TODAY
    assert holder.ssn not in repr(holder)


def test_holder_validation() -> None:
    data = demo_holder_data("li_xiuying")
    for bad in ({"sex": "f"}, {"card_id_code": "1101"}, {"birth_date": "1949-13-01"}):
        with pytest.raises(ValueError):
            Holder.from_dict({**data, **bad})


def test_insert_without_vpcd_is_a_clear_error(li: Holder) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(VpcdUnavailable) as caught:
        VirtualCard(li, port=port).insert()
    assert "vpcd" in caught.value.user_message


def test_second_pcscd_is_refused(running_pcscd_process: PcscdProcess, tmp_path: Path) -> None:
    with pytest.raises(PcscdAlreadyRunning) as caught:
        PcscdProcess.start(tmp_path / "conf", 0x9A70)
    assert caught.value.fields["pid"] == running_pcscd_process.pid


def test_simulate_cli(running_pcscd_process: PcscdProcess, reader: str, tmp_path: Path) -> None:
    holder_file = tmp_path / "holder.json"
    holder_file.write_text(json.dumps({**demo_holder_data("wang_jianguo"), "name": "赵六"}), encoding="utf-8")
    command = [sys.executable, "-m", "devices.sim.sscard_cli", "--holder", str(holder_file),
               "--fault", "t0", "--fault", "slow_ms=1", "--port", str(running_pcscd_process.port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line == f"virtual card inserted into vpcd on port {running_pcscd_process.port}"
        wait_card(reader, True)
        from devices.card.reading import read_card

        assert read_card(reader, today=TODAY).name == "赵六"
        process.send_signal(signal.SIGTERM)
        assert process.wait(WAIT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(WAIT)
    wait_card(reader, False)


def test_simulate_cli_rejects_unknown_fault() -> None:
    result = subprocess.run([sys.executable, "-m", "devices.sim.sscard_cli", "--holder", "li_xiuying",
                             "--fault", "explode"], capture_output=True, text=True, timeout=WAIT)
    assert result.returncode == 2
    assert "unknown fault 'explode'" in result.stderr


def test_shared_attaches_to_the_pcscd_of_this_run(running_pcscd_process: PcscdProcess, tmp_path: Path) -> None:
    shared = PcscdProcess.shared(tmp_path / "conf", 0x9A71)
    assert not shared.owned
    assert (shared.pid, shared.port) == (running_pcscd_process.pid, running_pcscd_process.port)
    assert shared.running
