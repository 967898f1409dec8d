"""Benchmark: reading a social security card through our layers vs pyscard alone.

Run: ``.venv/bin/python bench/card_read.py [--repeat N] [--port P]``. It starts its own
pcscd (with vpcd) and a virtual card, so no other pcscd may be running.

Two measurements, each ours vs bare pyscard sending exactly the same APDUs:

1. read phase, the card already in the reader (interleaved, ``--repeat`` x 10 pairs):
   ours = what ``CardWatcher`` runs on its device thread for each card
   (``read_card_unbounded``: PcscConnection, CardChannel, TLV/field decoding, the
   record; the watchdog that bounds it costs nothing on this path); bare = SCardEstablishContext, SCardConnect,
   the same APDU list through SCardTransmit, SCardDisconnect, SCardReleaseContext.
   This is the figure compared with the 15 % overhead limit.
2. insertion -> complete record (``--repeat`` each): the clock starts when the virtual
   card connects to vpcd; ours = a running ``CardWatcher`` emitting "read"; bare =
   SCardGetStatusChange until present, then the bare read. pcscd polls vpcd for cards
   every 400 ms, so this figure is dominated by where in that cycle the card arrives.
"""

from __future__ import annotations

import argparse
import queue
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from smartcard import scard

from devices.card.reading import read_card, read_card_unbounded
from devices.card.watch import CardEvent, CardWatcher
from devices.sim.holders import demo_holder_data
from devices.sim.pcscd import PcscdProcess
from devices.sim.sscard import Holder, VirtualCard

LIMIT = 0.15
TODAY = date(2026, 1, 15)


class CardProcess:
    """The virtual card in a child process, as a real card is outside ours (no shared GIL).

    Commands on its stdin: "insert" (answers the CLOCK_MONOTONIC time taken just
    before connecting to vpcd, comparable across processes on Linux) and "remove"."""

    def __init__(self, port: int) -> None:
        self._process = subprocess.Popen([sys.executable, __file__, "--card-process", "--port", str(port)],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def _ask(self, command: str) -> str:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(command + "\n")
        self._process.stdin.flush()
        return self._process.stdout.readline().strip()

    def insert(self) -> float:
        return float(self._ask("insert"))

    def remove(self) -> None:
        self._ask("remove")

    def commands(self) -> list[list[int]]:
        return [list(bytes.fromhex(apdu)) for apdu in self._ask("commands").split()]

    def close(self) -> None:
        self._ask("quit")
        self._process.wait(10)


def serve_card(port: int) -> int:
    """The child side of ``CardProcess``."""
    card = VirtualCard(Holder.from_dict(demo_holder_data("li_xiuying")), port=port)
    for line in sys.stdin:
        command = line.strip()
        if command == "insert":
            started = time.monotonic()
            card.insert()
            print(started, flush=True)
        elif command == "remove":
            card.remove()
            print("ok", flush=True)
        elif command == "commands":
            print(" ".join(apdu.hex() for apdu in card.commands), flush=True)
        else:
            card.close()
            print("bye", flush=True)
            return 0
    return 0


def bare_read(reader: str, apdus: list[list[int]]) -> None:
    """The same exchange with pyscard's low-level API and nothing else."""
    _, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    hresult, handle, protocol = scard.SCardConnect(context, reader, scard.SCARD_SHARE_SHARED,
                                                   scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
    if hresult != scard.SCARD_S_SUCCESS:
        raise RuntimeError(f"SCardConnect failed: {hresult:#x}")
    for apdu in apdus:
        hresult, response = scard.SCardTransmit(handle, protocol, apdu)
        if hresult != scard.SCARD_S_SUCCESS or response[-2:] != [0x90, 0x00]:
            raise RuntimeError(f"bare transmit failed: {hresult:#x} {response[-2:]}")
    scard.SCardDisconnect(handle, scard.SCARD_LEAVE_CARD)
    scard.SCardReleaseContext(context)


def wait_presence(reader: str, present: bool, timeout: float = 10.0) -> None:
    """Block in SCardGetStatusChange until the reader has (or lacks) a card."""
    _, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    try:
        state = scard.SCARD_STATE_UNAWARE
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            hresult, states = scard.SCardGetStatusChange(context, 1000, [(reader, state)])
            if hresult == scard.SCARD_S_SUCCESS:
                state = states[0][1] & ~scard.SCARD_STATE_CHANGED
                if bool(state & scard.SCARD_STATE_PRESENT) == present and not state & scard.SCARD_STATE_MUTE:
                    return
        raise RuntimeError(f"reader {reader!r} did not become present={present}")
    finally:
        scard.SCardReleaseContext(context)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="insertions per side (read phase: x10)")
    parser.add_argument("--port", type=int, default=0x9A7A, help="vpcd port for the benchmark's pcscd")
    parser.add_argument("--card-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.card_process:
        return serve_card(args.port)

    with tempfile.TemporaryDirectory(prefix="card-bench-") as tmp, \
            PcscdProcess.start(Path(tmp) / "reader.conf.d", args.port) as pcscd:
        reader = pcscd.reader
        card = CardProcess(args.port)
        try:
            ours_read, bare, one_off, apdu_count = _read_phase(reader, card, args.repeat * 10)
            ours_insert, bare_insert = _insertion_phase(reader, card, args.repeat)
        finally:
            card.close()

    overhead = median_ms(ours_read) / median_ms(bare) - 1
    print(f"Social security card read, {apdu_count} APDUs per read, pyscard -> pcscd -> vpcd -> simulator process")
    print(f"read phase (card in reader), {len(bare)} interleaved pairs:")
    print(f"  ours (the watcher's read)                  median {median_ms(ours_read):7.2f} ms")
    print(f"  bare pyscard, same APDUs                   median {median_ms(bare):7.2f} ms")
    print(f"  overhead {overhead:+.1%} (limit {LIMIT:.0%}): {'OK' if overhead <= LIMIT else 'OVER THE LIMIT'}")
    print(f"  for information: read_card on a one-off worker thread (CLI, tests) median {median_ms(one_off):.2f} ms")
    print(f"insertion -> complete record, {args.repeat} insertions each:")
    print(f"  ours (CardWatcher)                         median {median_ms(ours_insert):7.2f} ms")
    print(f"  bare (GetStatusChange + same APDUs)        median {median_ms(bare_insert):7.2f} ms")
    print(f"  ratio {median_ms(ours_insert) / median_ms(bare_insert):.2f} (dominated by pcscd's 400 ms card poll)")
    return 0 if overhead <= LIMIT else 1


def _read_phase(reader: str, card: CardProcess,
                pairs: int) -> tuple[list[float], list[float], list[float], int]:
    """Card in place: ours and bare alternately, after learning the exact APDU sequence."""
    card.insert()
    wait_presence(reader, True)
    record = read_card(reader, today=TODAY)
    sequence = card.commands()
    assert len(sequence) == record.apdu_count
    for _ in range(20):  # warm up both paths
        read_card_unbounded(reader, today=TODAY)
        bare_read(reader, sequence)
    ours: list[float] = []
    bare: list[float] = []
    one_off: list[float] = []
    for index in range(pairs):  # alternate who goes first, so neither profits from the other
        first_ours = index % 2 == 0
        if first_ours:
            ours.append(timed(lambda: read_card_unbounded(reader, today=TODAY)))
        bare.append(timed(lambda: bare_read(reader, sequence)))
        if not first_ours:
            ours.append(timed(lambda: read_card_unbounded(reader, today=TODAY)))
    for _ in range(pairs // 10):
        one_off.append(timed(lambda: read_card(reader, today=TODAY)))
    card.remove()
    wait_presence(reader, False)
    return ours, bare, one_off, record.apdu_count


def _insertion_phase(reader: str, card: CardProcess, repeat: int) -> tuple[list[float], list[float]]:
    """From the card connecting to vpcd until a complete record: ours via CardWatcher, then bare."""
    sequence = _sequence(reader, card)
    events: queue.Queue[tuple[float, CardEvent]] = queue.Queue()
    watcher = CardWatcher(lambda event: events.put((time.monotonic(), event)), reader=reader,
                          today=lambda: TODAY)
    watcher.start()
    ours: list[float] = []
    try:
        for _ in range(repeat):
            started = card.insert()
            while True:
                at, event = events.get(timeout=10)
                if event.kind == "read":
                    break
                if event.kind == "read_failed":
                    raise RuntimeError(f"read failed: {event.error!r}")
            ours.append(at - started)
            card.remove()
            while events.get(timeout=10)[1].kind != "removed":
                pass
    finally:
        watcher.stop()
    bare: list[float] = []
    for _ in range(repeat):
        started = card.insert()
        wait_presence(reader, True)
        bare_read(reader, sequence)
        bare.append(time.monotonic() - started)
        card.remove()
        wait_presence(reader, False)
    return ours, bare


def _sequence(reader: str, card: CardProcess) -> list[list[int]]:
    card.insert()
    wait_presence(reader, True)
    read_card(reader, today=TODAY)
    sequence = card.commands()
    card.remove()
    wait_presence(reader, False)
    return sequence


if __name__ == "__main__":
    raise SystemExit(main())
