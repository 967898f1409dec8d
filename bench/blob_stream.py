"""Benchmark: the central server's blob batches alone, against one raw stream of the same bytes.

Run: ``.venv/bin/python bench/blob_stream.py [--count 2000] [--size 150000] [--per-batch 100]``.

``bench/sync.py`` measures the whole sync. This one isolates the server's side of the scans: the
same random bytes (``--count`` blobs of ``--size`` bytes, in memory, so no decryption or local
database is involved) go (a) to a fresh ``python -m central serve`` as ``POST /v1/blobs/batch``
requests of ``--per-batch`` blobs, one after another on one connection, and (b) to the minimal
raw-upload server of ``bench/sync.py`` as ONE streaming PUT that is hashed, written and fsynced.
Each is run three times (``os.sync()`` before each); the medians and their ratio are printed. The
ratio is a ceiling for ``bench/sync.py``'s loopback ratio: the whole sync cannot move scans faster
than the server takes them.

A third figure separates the central server's HTTP stack from our code: (c) the same ONE streaming
PUT to an ASGI app served by uvicorn exactly as ``central serve`` serves (httptools, uvloop) that
does nothing but what the raw server does (hash, write, fsync, answer the hash). No endpoint on that
stack can take bytes faster, whatever it does with them.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: make the project importable
    sys.path.insert(0, str(REPO))

from bench.sync import raw_upload  # noqa: E402
from central.process import CentralServerProcess  # noqa: E402
from central.store import add_terminal  # noqa: E402
from sync.client import BlobSource, CentralClient  # noqa: E402

RUNS = 3
MB = 1_000_000


def batches_seconds(blobs: list[bytes], per_batch: int, work: Path) -> float:
    """Seconds to upload ``blobs`` in blob batches to a fresh central server (its own database)."""
    work.mkdir(parents=True)
    db = work / "central.sqlite3"
    token = add_terminal(db, "T-BENCH-BLOBS")
    shas = [hashlib.sha256(b).hexdigest() for b in blobs]
    with CentralServerProcess.start(db, stderr_path=work / "central.log",
                                    extra_args=["--log-level", "warning"]) as central:
        client = CentralClient(central.base_url, token, timeout=120)
        try:
            os.sync()
            started = time.perf_counter()
            for at in range(0, len(blobs), per_batch):
                answers = client.upload_blob_batch([BlobSource(shas[i], len(blobs[i]), "application/pdf",
                                                               functools.partial(list, [blobs[i]]))
                                                    for i in range(at, min(len(blobs), at + per_batch))])
                if not all(a.complete for a in answers):
                    raise SystemExit(f"a blob batch was not stored whole: {answers[:3]}")
            return time.perf_counter() - started
        finally:
            client.close()


def stream_seconds(blobs: list[bytes], work: Path, server_command: list[str]) -> float:
    """Seconds for one streaming PUT of the same bytes to a server started with ``server_command``
    (a child that prints its URL last on its first line and stops when its stdin closes)."""
    plain = work / "plaintext.bin"
    with plain.open("wb") as out:
        for blob in blobs:
            out.write(blob)
    server = subprocess.Popen(server_command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().split()[-1]
        os.sync()
        return raw_upload(url, plain)
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(30)
        plain.unlink()


def sink_app(directory: Path) -> Callable[..., Awaitable[None]]:
    """An ASGI app that takes any request's body like the raw server: hash, write, fsync, answer."""
    async def app(scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]],
                  send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        if scope["type"] != "http":  # lifespan: nothing to start or stop
            message = await receive()
            await send({"type": f"{message['type']}.complete"})
            return
        digest = hashlib.sha256()
        size = 0
        with (directory / "sink-upload").open("wb") as out:
            more = True
            while more:
                message = await receive()
                body = message.get("body", b"")
                more = message.get("more_body", False)
                digest.update(body)
                out.write(body)
                size += len(body)
            out.flush()
            os.fsync(out.fileno())
        answer = json.dumps({"sha256": digest.hexdigest(), "size": size}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(answer)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})
    return app


def serve_sink(directory: Path) -> int:
    """Serve ``sink_app`` on loopback with uvicorn's defaults, as ``central serve`` does, until stdin closes."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    print(f"sink listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    server = uvicorn.Server(uvicorn.Config(sink_app(directory), log_config=None, log_level="warning"))

    def stop_at_eof() -> None:  # the parent closes our stdin when it is done
        sys.stdin.read()
        server.should_exit = True

    threading.Thread(target=stop_at_eof, daemon=True).start()
    server.run(sockets=[sock])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--size", type=int, default=150_000)
    parser.add_argument("--per-batch", type=int, default=100)
    parser.add_argument("--sink", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sink is not None:
        return serve_sink(args.sink)
    blobs = [os.urandom(args.size) for _ in range(args.count)]
    total = args.count * args.size / MB
    ours, raw, sink = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-blobs-") as tmp:
        for run in range(RUNS):
            ours.append(batches_seconds(blobs, args.per_batch, Path(tmp) / f"central-{run}"))
            # bench/sync.py's raw-upload server, and the bare ASGI app on the central server's stack
            raw.append(stream_seconds(blobs, Path(tmp), [sys.executable, str(REPO / "bench" / "sync.py"),
                                                         "--raw-server", str(tmp)]))
            sink.append(stream_seconds(blobs, Path(tmp), [sys.executable, __file__, "--sink", str(tmp)]))
    mine, base, stack = statistics.median(ours), statistics.median(raw), statistics.median(sink)
    print(f"blobs                {args.count} x {args.size} bytes = {total:.0f} MB, {args.per_batch} per batch")
    print(f"blob batches         {total / mine:.1f} MB/s  (median {mine:.2f} s of "
          f"{', '.join(f'{s:.2f}' for s in ours)} s)")
    print(f"raw stream           {total / base:.1f} MB/s  (median {base:.2f} s of "
          f"{', '.join(f'{s:.2f}' for s in raw)} s)")
    print(f"stack sink stream    {total / stack:.1f} MB/s  (median {stack:.2f} s of "
          f"{', '.join(f'{s:.2f}' for s in sink)} s; uvicorn as central serve runs it, an app that only hashes "
          "and writes)")
    print(f"ratio batches/raw    {base / mine:.3f}  (the ceiling of bench/sync.py's loopback ratio; aim there >= 0.8)")
    print(f"ratio sink/raw       {base / stack:.3f}  (the ceiling of ANY endpoint on the central server's HTTP stack)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
