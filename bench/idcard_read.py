"""Benchmark: reading an ID card through the pty simulator vs the wire time of the bytes exchanged.

Run: ``.venv/bin/python bench/idcard_read.py [--repeat N] [--baud B] [--poll S]``. It starts its
own simulated reader on a pseudo-terminal (paced to ``--baud``, 10 bits a byte) and opens it
with pyserial, like a real port.

Two measurements (``--repeat`` each, median and range):

1. read phase, the card already on the reader: ``find_card``, ``select_card``, ``read_card``
   (text + photo) through ``IdReaderSession``; compared with the wire time of exactly the
   bytes exchanged (3 commands of 10 bytes, replies of 15 + 19 + 1295 bytes).
2. card laid -> complete record: the clock starts when the simulator has the card; ours is a
   running ``IdCardWatcher`` emitting "read". Includes waiting for the next poll
   (``--poll`` s): each card is laid at a random point of the poll cycle, so the median is
   about half the poll interval above the read phase.
"""

from __future__ import annotations

import argparse
import queue
import random
import statistics
import time

from devices.idcard.serial_link import PySerialLink, wire_seconds
from devices.idcard.session import IdReaderSession
from devices.idcard.watch import IdCardEvent, IdCardWatcher
from devices.sim.idcard import Identity, SimulatedIdReader
from devices.sim.identities import sample_identity_data


def _fmt(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"median {statistics.median(ms):7.1f} ms  (min {min(ms):.1f}, max {max(ms):.1f})"


def read_phase(sim: SimulatedIdReader, card: Identity, repeat: int, baud: int) -> tuple[list[float], float]:
    sim.lay(card)
    times: list[float] = []
    wire = 0.0
    with PySerialLink(sim.port, baud) as link:
        session = IdReaderSession(link, baud=baud)
        for _ in range(repeat):
            out0, in0 = session.bytes_out, session.bytes_in
            start = time.perf_counter()
            record = session.read_present_card()
            times.append(time.perf_counter() - start)
            assert record is not None
            wire = wire_seconds(session.bytes_out - out0 + session.bytes_in - in0, baud)
    sim.lift()
    return times, wire


def laid_to_record(sim: SimulatedIdReader, card: Identity, repeat: int, baud: int,
                   poll: float) -> list[float]:
    events: queue.Queue[IdCardEvent] = queue.Queue()
    watcher = IdCardWatcher(events.put, port=sim.port, baud=baud, poll_interval=poll, scan_system_ports=False)
    watcher.start()
    times: list[float] = []
    rng = random.Random(1)
    try:
        assert events.get(timeout=10).kind == "reader"
        for _ in range(repeat):
            time.sleep(rng.uniform(0, poll))  # land anywhere in the poll cycle
            sim.lay(card)
            laid = sim.laid_at
            event = events.get(timeout=10)
            assert event.kind == "read" and laid is not None, event
            times.append(time.monotonic() - laid)
            sim.lift()
            assert events.get(timeout=10).kind == "removed"
    finally:
        watcher.stop()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--baud", type=int, default=115200)
    parser.add_argument("--poll", type=float, default=0.3, help="watcher poll interval (default 0.3 s)")
    args = parser.parse_args()
    card = Identity.from_dict(sample_identity_data("zhang_wei"))
    with SimulatedIdReader(baud=args.baud) as sim:
        phase, wire = read_phase(sim, card, args.repeat, args.baud)
        print(f"read phase (find+select+read, card on reader), {args.repeat} reads at {args.baud} baud:")
        print(f"  ours: {_fmt(phase)}")
        print(f"  wire time of the {round(wire * args.baud / 10)} bytes exchanged: {wire * 1000:.1f} ms")
        print(f"  ratio ours / wire: {statistics.median(phase) / wire:.2f}")
        laid = laid_to_record(sim, card, args.repeat, args.baud, args.poll)
        print(f"card laid -> complete record (watcher polling every {args.poll:g} s), {args.repeat} cards:")
        print(f"  ours: {_fmt(laid)}")
        print(f"  ratio ours / wire: {statistics.median(laid) / wire:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
