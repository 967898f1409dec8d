"""Benchmark: draining the outbox to a real central server, against uploading the same bytes raw.

Run: ``.venv/bin/python bench/sync.py [--count 1000] [--total-mb 300] [--proxy-mb 30] [--seed 1]
[--lan 1gbit --lan 100mbit]``.

What it does, all on loopback and in temporary directories:

1. Starts ``python -m central serve`` on a fresh database, registers a terminal, and builds that
   terminal's data directory the way the counter does (encrypted database, encrypted blob store, a
   file keyring of its own), then saves ``--count`` submissions whose attachments (1-3 each, random
   bytes from ``--seed``, sizes spread log-normally from 1 KB to 20 MB) total ``--total-mb``.
2. Runs the sync in a CHILD process (``sync_once`` until nothing is pending), so the peak RSS it
   reports (VmHWM of /proc/self/status) is the client's alone; wall time is measured inside the
   child around the sync only (not the interpreter's start-up). ``BENCH_SYNC_PROFILE=FILE``
   cProfiles that sync loop into FILE.
3. Baseline: the same bytes (the attachments' plaintext, concatenated into one file) uploaded with
   httpx as ONE streaming PUT to a minimal raw-upload server (``http.server`` in its own process)
   that does what the central system must do with the bytes at the least: hash them (SHA-256),
   write them to a file and fsync it. The central server's own PATCH cannot serve as the baseline:
   it takes at most 8 MiB per request by design. The raw upload runs three times and the median is
   the baseline (single runs spread by a factor of two on a shared VM); ``os.sync()`` runs before
   every timed run, so none pays for the dirty pages of the one before.
4. Checks the central server holds every submission exactly once (``list-submissions --json``).
5. Repeats 1-4 with ``--proxy-mb`` of attachments (and a proportional count) through
   ``FaultProxy(latency=0.1, bandwidth=2_000_000)``, the raw upload going through an identical
   proxy. 300 MB at 2 MB/s take 150 s raw, so the default is 30 MB; pass ``--proxy-mb 300`` for all.
6. With ``--lan RATE`` (root only), repeats 1-4 with ``--count`` and ``--total-mb`` across a real
   link: a veth pair into a network namespace, shaped to RATE each way by the kernel's token-bucket
   filter (``bench/netlink.py``). Both servers listen on the host side; the sync child and the raw
   client run inside the namespace. Loopback measures how much CPU the sync needs (client and
   server share the machine's cores); this measures what it makes of a service hall's LAN.

Prints count, MB, seconds, MB/s, raw MB/s, ratio ours/raw (aim >= 0.8), the CPU seconds the client
and the central server used during the sync (what bounds the loopback figure: the two share the
machine's CPUs), client peak RSS (aim < 200 MB) and duplicates on the server (must be 0).
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from app.secrets import SecretStore, file_keyring  # noqa: E402
from app.settings import DeviceSettings, Settings  # noqa: E402
from app.terminal import Terminal, build_terminal  # noqa: E402
from bench.netlink import LinkUnavailable, ShapedLink, parse_rate, shaped_link  # noqa: E402
from central.faultproxy import FaultProxy  # noqa: E402
from central.process import CentralServerProcess  # noqa: E402
from central.store import add_terminal  # noqa: E402
from forms.idnumber import check_character  # noqa: E402
from local_db.clerks import Role, add_clerk  # noqa: E402
from local_db.submissions import ApplicantData, AttachmentData, create_submission, pending_count  # noqa: E402
from sync.engine import Backoff  # noqa: E402

TERMINAL_ID = "T-BENCH-01"
CLERK_ID = "1001"
MB = 1_000_000
MIN_SIZE = 1024
MAX_SIZE = 20 * 1024 * 1024
READ = 1 << 20
PROXY_LATENCY = 0.1
PROXY_BANDWIDTH = 2_000_000
RAW_RUNS = 3


# -- the terminal's data ------------------------------------------------------------------------------

def open_terminal(data: Path, keyring: Path, central: str) -> Terminal:
    settings = Settings(central_url=central, terminal_id=TERMINAL_ID, data_dir=data,
                        devices=DeviceSettings(card_reader="off", id_reader="off", camera="off"))
    return build_terminal(settings, SecretStore(file_keyring(keyring)), start_sender=False,
                          backoff=Backoff(base=0.05, cap=0.5), start_devices=False)


def attachment_sizes(rng: random.Random, count: int, total: int) -> list[list[int]]:
    """1-3 attachments per submission, log-normal sizes scaled to ``total`` bytes, clamped to 1 KB-20 MB."""
    shape = [rng.randint(1, 3) for _ in range(count)]
    weights = [rng.lognormvariate(0.0, 1.3) for _ in range(sum(shape))]
    scale = total / sum(weights)
    sizes = [min(MAX_SIZE, max(MIN_SIZE, int(w * scale))) for w in weights]
    sizes[-1] = max(MIN_SIZE, sizes[-1] + total - sum(sizes))  # clamping moved the sum: settle it on one
    out, at = [], 0
    for n in shape:
        out.append(sizes[at:at + n])
        at += n
    return out


def fill(terminal: Terminal, rng: random.Random, count: int, total: int, raw_file: Path) -> int:
    """Save ``count`` submissions with their attachments; the plaintext also goes to ``raw_file``."""
    assert terminal.blobs is not None
    written = 0
    with raw_file.open("wb") as raw:
        for sizes in attachment_sizes(rng, count, total):
            attachments = []
            for material, size in zip(("id_copy", "household_register", "certificate"), sizes, strict=False):
                data = rng.randbytes(size)
                raw.write(data)
                written += size
                ref = terminal.blobs.put(data)
                attachments.append(AttachmentData(material, ref.sha256, ref.size))
            body = (f"610102{rng.randint(1950, 1999)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
                    f"{rng.randint(0, 999):03d}")
            person = body + check_character(body)
            create_submission(terminal.db, item_code="personal_registration", form_version=1,
                              terminal_id=TERMINAL_ID, clerk_id=CLERK_ID,
                              applicant=ApplicantData(id_number=person, name="张三"),
                              payload={"id_number": person, "name": "张三"}, attachments=attachments)
    return written


# -- the child: the client alone ------------------------------------------------------------------------

def vm_hwm_kb() -> int:
    """This process's peak resident set (VmHWM), in KiB.

    Not ``ru_maxrss``: Linux carries that over from the parent across fork and exec (the parent's
    peak at the time it spawned us would show up as ours), while VmHWM belongs to this address space.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # not Linux: the best there is


def child(data: Path, keyring: Path, central: str) -> int:
    """Drain the outbox and print one JSON line: seconds, rounds, sent, pending, peak RSS."""
    start_rss = vm_hwm_kb()
    terminal = open_terminal(data, keyring, central)
    assert terminal.sender is not None
    sent = rounds = 0
    profile_to = os.environ.get("BENCH_SYNC_PROFILE")  # a path: cProfile the sync loop into it
    profiler = None
    if profile_to:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    while True:
        summary = terminal.sender.sync_once()
        sent += summary.sent
        rounds += 1
        if summary.pending == 0:
            break
        time.sleep(0.05)  # a row waits out its backoff (at most 0.5 s here)
    seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    if profiler is not None and profile_to:
        profiler.disable()
        profiler.dump_stats(profile_to)
    pending = pending_count(terminal.db)
    terminal.close()
    print(json.dumps({"seconds": seconds, "rounds": rounds, "sent": sent, "pending": pending,
                      "cpu_seconds": (cpu_after.ru_utime - cpu_before.ru_utime)
                      + (cpu_after.ru_stime - cpu_before.ru_stime),
                      "rss_before_kb": start_rss,
                      "peak_rss_kb": vm_hwm_kb()}), flush=True)
    return 0


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds ``pid`` has used so far, all its threads (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


# -- the raw baseline -----------------------------------------------------------------------------------

class RawUpload(http.server.BaseHTTPRequestHandler):
    """PUT /anything: read Content-Length bytes, hash them, write them to a file, fsync, answer the hash."""

    protocol_version = "HTTP/1.1"
    directory = Path(".")

    def do_PUT(self) -> None:  # http.server dispatches on this name
        length = int(self.headers["Content-Length"])
        digest = hashlib.sha256()
        path = self.directory / f"upload-{threading.get_ident()}"
        with path.open("wb") as out:
            left = length
            while left:
                piece = self.rfile.read(min(READ, left))
                if not piece:
                    raise ConnectionError("client left mid-body")
                digest.update(piece)
                out.write(piece)
                left -= len(piece)
            out.flush()
            os.fsync(out.fileno())
        path.unlink()
        answer = json.dumps({"sha256": digest.hexdigest(), "size": length}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        pass


def raw_server(directory: Path, host: str = "127.0.0.1") -> int:
    RawUpload.directory = directory
    server = http.server.ThreadingHTTPServer((host, 0), RawUpload)
    print(f"raw listening on http://{host}:{server.server_address[1]}", flush=True)

    def stop_at_eof() -> None:  # the parent closes our stdin when it is done
        sys.stdin.read()
        server.shutdown()

    threading.Thread(target=stop_at_eof, daemon=True).start()
    server.serve_forever()
    return 0


def raw_client(url: str, path: Path) -> int:
    """One raw upload from this process (run inside a link's namespace); prints its seconds."""
    print(json.dumps({"seconds": raw_upload(url, path)}), flush=True)
    return 0


def file_pieces(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while piece := f.read(READ):
            yield piece


def raw_upload(url: str, path: Path, cpu: list[float] | None = None) -> float:
    """Seconds to PUT the whole file in one streaming request (fresh connection, like the child's).

    ``cpu``, if given, gets the CPU seconds this process spent on the PUT appended.
    """
    size = path.stat().st_size
    expected = hashlib.sha256()
    for piece in file_pieces(path):
        expected.update(piece)
    with httpx.Client(timeout=httpx.Timeout(600.0)) as client:
        cpu_before = process_cpu_seconds(os.getpid())
        started = time.perf_counter()
        answer = client.put(f"{url}/upload", content=file_pieces(path), headers={
            "Content-Length": str(size), "Content-Type": "application/octet-stream"})
        seconds = time.perf_counter() - started
        if cpu is not None:
            cpu.append(process_cpu_seconds(os.getpid()) - cpu_before)
    answer.raise_for_status()
    assert answer.json() == {"sha256": expected.hexdigest(), "size": size}, "raw upload garbled"
    return seconds


# -- one case -------------------------------------------------------------------------------------------

@dataclass
class Result:
    label: str
    count: int
    megabytes: float
    seconds: float
    raw_seconds: float
    raw_runs: list[float]
    #: CPU seconds (user + system) the client and the central server used during the sync
    client_cpu: float
    server_cpu: float
    #: CPU seconds of the raw upload, client and server together (median of the runs); None through
    #: the proxy (its thread runs in the raw client's process) and across a link (the raw client is a
    #: child in the namespace)
    raw_cpu: float | None
    peak_rss_mb: float
    rss_before_mb: float
    server_records: int
    server_unique: int
    pending: int

    @property
    def mbps(self) -> float:
        return self.megabytes / self.seconds

    @property
    def raw_mbps(self) -> float:
        return self.megabytes / self.raw_seconds

    def lines(self) -> list[str]:
        return [
            f"[{self.label}]",
            f"  submissions          {self.count}",
            f"  attachment MB        {self.megabytes:.1f}",
            f"  sync seconds         {self.seconds:.2f}",
            f"  ours MB/s            {self.mbps:.2f}",
            f"  raw MB/s             {self.raw_mbps:.2f}  (median {self.raw_seconds:.2f} s of "
            f"{', '.join(f'{r:.2f}' for r in self.raw_runs)} s; one streaming PUT each)",
            f"  ratio ours/raw       {self.mbps / self.raw_mbps:.3f}  (aim >= 0.8)",
            f"  CPU seconds          client {self.client_cpu:.2f}, central server {self.server_cpu:.2f}, "
            f"together {self.client_cpu + self.server_cpu:.2f} on {os.cpu_count()} CPUs"
            + (f"; raw upload {self.raw_cpu:.2f}" if self.raw_cpu is not None else "")
            + f"  (wall time at 0.8 of raw: {self.raw_seconds / 0.8:.2f} s)",
            f"  client peak RSS MB   {self.peak_rss_mb:.1f}  (aim < 200; {self.rss_before_mb:.1f} MB "
            "after the imports, before opening the terminal)",
            f"  server records       {self.server_records}, unique ids {self.server_unique}, "
            f"duplicates {self.server_records - self.server_unique}  (must be 0)",
            f"  left pending         {self.pending}",
        ]


def run_case(label: str, work: Path, count: int, total: int, seed: int, *, proxied: bool,
             bandwidth: int = PROXY_BANDWIDTH, link: ShapedLink | None = None) -> Result:
    """Fill a terminal, sync it to a fresh central server, then upload the same bytes raw.

    ``proxied``: both go through a ``FaultProxy`` of ``bandwidth`` and ``PROXY_LATENCY``. ``link``:
    both servers listen on the host side of a shaped link and both clients run inside its
    namespace, so every byte crosses the kernel's network stack at the link's rate.
    """
    work.mkdir(parents=True)
    central_db = work / "central.sqlite3"
    token = add_terminal(central_db, TERMINAL_ID)
    keyring = work / "keyring"
    SecretStore(file_keyring(keyring)).set_terminal_token(token)
    data = work / "terminal"
    raw_file = work / "plaintext.bin"
    host = link.host_ip if link is not None else "127.0.0.1"
    in_link = link.in_namespace if link is not None else (lambda command: command)
    with CentralServerProcess.start(central_db, host=host, stderr_path=work / "central.log",
                                    extra_args=["--log-level", "warning"]) as central:
        terminal = open_terminal(data, keyring, central.base_url)
        add_clerk(terminal.db, CLERK_ID, "测试柜员", "bench-pass", roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
        print(f"{label}: saving {count} submissions with {total / MB:.0f} MB of attachments ...", flush=True)
        written = fill(terminal, random.Random(seed), count, total, raw_file)
        terminal.close()

        proxy = FaultProxy(central.base_url, latency=PROXY_LATENCY, bandwidth=bandwidth) if proxied else None
        try:
            if proxy is not None:
                proxy.start()
            url = proxy.url if proxy is not None else central.base_url
            print(f"{label}: syncing in a child process ...", flush=True)
            os.sync()  # neither measurement pays for the other's (or the set-up's) dirty pages
            server_cpu = process_cpu_seconds(central.process.pid)
            out = subprocess.run(in_link([sys.executable, __file__, "--child", "--data", str(data), "--keyring",
                                          str(keyring), "--central", url]),
                                 capture_output=True, text=True, cwd=REPO, check=False)
            if out.returncode != 0:
                raise SystemExit(f"sync child failed ({out.returncode}):\n{out.stderr[-4000:]}")
            server_cpu = process_cpu_seconds(central.process.pid) - server_cpu
            figures = json.loads(out.stdout.strip().splitlines()[-1])
        finally:
            if proxy is not None:
                proxy.stop()

    listing = subprocess.run([sys.executable, "-m", "central", "list-submissions", "--db", str(central_db),
                              "--json"], capture_output=True, text=True, check=True, cwd=REPO)
    ids = [row["id"] for row in json.loads(listing.stdout)]

    print(f"{label}: raw upload of the same {written / MB:.0f} MB ...", flush=True)
    server = subprocess.Popen([sys.executable, __file__, "--raw-server", str(work), "--raw-host", host],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert server.stdout is not None
        raw_url = server.stdout.readline().split()[-1]
        raw_proxy = FaultProxy(raw_url, latency=PROXY_LATENCY, bandwidth=bandwidth) if proxied else None
        try:
            if raw_proxy is not None:
                raw_proxy.start()
            # the median of RAW_RUNS: the one figure the ratio rests on should not be one noisy sample
            raw_runs: list[float] = []
            raw_cpu: list[float] = []
            for _ in range(RAW_RUNS):
                os.sync()
                server_before = process_cpu_seconds(server.pid)
                if link is not None:  # the raw client crosses the link too, from a child in the namespace
                    done = subprocess.run(in_link([sys.executable, __file__, "--raw-client", raw_url, str(raw_file)]),
                                          capture_output=True, text=True, cwd=REPO, check=True)
                    raw_runs.append(float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"]))
                    continue
                raw_runs.append(raw_upload(raw_proxy.url if raw_proxy is not None else raw_url, raw_file, raw_cpu))
                raw_cpu[-1] += process_cpu_seconds(server.pid) - server_before
            raw_seconds = statistics.median(raw_runs)
        finally:
            if raw_proxy is not None:
                raw_proxy.stop()
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(30)
    return Result(label, count, written / MB, figures["seconds"], raw_seconds, raw_runs, figures["cpu_seconds"],
                  server_cpu, None if proxied or not raw_cpu else statistics.median(raw_cpu),
                  figures["peak_rss_kb"] / 1024, figures["rss_before_kb"] / 1024, len(ids), len(set(ids)),
                  figures["pending"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--total-mb", type=float, default=300.0)
    parser.add_argument("--proxy-mb", type=float, default=30.0, help="0 skips the run through the proxy")
    parser.add_argument("--proxy-rate", type=int, default=PROXY_BANDWIDTH,
                        help="the proxy's bandwidth, bytes/s each way (a township line: 100000)")
    parser.add_argument("--no-loopback", action="store_true", help="only the run through the proxy")
    parser.add_argument("--lan", action="append", default=[], metavar="RATE",
                        help="also run --count/--total-mb across a kernel-shaped link of RATE (e.g. 1gbit, "
                             "100mbit) into a network namespace; repeatable; needs root")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--raw-server", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--raw-host", default="127.0.0.1", help=argparse.SUPPRESS)
    parser.add_argument("--raw-client", nargs=2, metavar=("URL", "FILE"), default=None, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--keyring", type=Path)
    parser.add_argument("--central")
    args = parser.parse_args(argv)
    if args.child:
        return child(args.data, args.keyring, args.central)
    if args.raw_server is not None:
        return raw_server(args.raw_server, args.raw_host)
    if args.raw_client is not None:
        return raw_client(args.raw_client[0], Path(args.raw_client[1]))
    for rate in args.lan:  # refuse a bad rate before minutes of work, not after
        parse_rate(rate)

    results = []
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        work = Path(tmp)
        if not args.no_loopback:
            results.append(run_case("loopback", work / "loopback", args.count, int(args.total_mb * MB), args.seed,
                                    proxied=False))
        if args.proxy_mb > 0:
            count = max(1, round(args.count * args.proxy_mb / args.total_mb))
            results.append(run_case(f"proxy latency {PROXY_LATENCY} s, {args.proxy_rate / MB:g} MB/s",
                                    work / "proxy", count, int(args.proxy_mb * MB), args.seed + 1, proxied=True,
                                    bandwidth=args.proxy_rate))
        for rate in args.lan:
            try:
                with shaped_link(rate) as link:
                    results.append(run_case(f"LAN link {rate} (veth + tbf, namespace)", work / f"lan-{rate}",
                                            args.count, int(args.total_mb * MB), args.seed, proxied=False,
                                            link=link))
            except LinkUnavailable as exc:
                print(f"LAN link {rate}: skipped, {exc}", flush=True)
    print()
    for result in results:
        print("\n".join(result.lines()))
    bad = [r for r in results if r.server_records != r.server_unique or r.server_unique != r.count or r.pending]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
