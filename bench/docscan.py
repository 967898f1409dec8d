"""Benchmark: document detection (ours vs the tutorial baseline) and the capture pipeline, on synthetic frames.

Run: ``.venv/bin/python bench/docscan.py [--count 200] [--seed 0] [--preview 60] [--plain]``.

Scenes come from ``devices.sim.docscene.synthetic_set`` (8 MP desk photographs with known corners): half
of them plain, every document kind in turn; half with one of the scene conditions of issue 19 (white
page on a near-white desk, a hard-edged hand or camera-arm shadow, a page in landscape filling the
frame, a glossy sleeve, a second sheet under the first, a colour-printed form), each 1/12 of the set
(``--plain`` leaves them out: the set as it was before issue 19). Each scene is rendered before anything
is timed and dropped after use, so memory stays at a few frames. Success means the worst corner is
within 1% of the document's diagonal.

Figures and their aims: success >= 98% (8 MP), capture pipeline (detection + warp + enhance + JPEG)
< 300 ms per frame, preview detection >= 20 fps at 1280x720, <= 500 KB per page. The confidence
calibration: of the wrong detections (or none), how many still said ``confident`` (should be ~0: those
become wrong crops without a warning); of the right ones, how many said not confident (the whole frame is
kept and the clerk asked to check: a nuisance, not an error).

The seed range 90000-90199 was held out for the first round of issue 19 (run once, after development);
seeds 200000-200199, 300000-300199, 400000-400199, 500000-500199, 600000-600199, 700000-700199,
800000-800199, 900000-900199 and 1000000-1000199 were held-out ranges, each run once for its success figures
on 2026-12-07
(docs/PERFORMANCE.md). Seeds 1100000 and above have never been rendered: keep them for the next held-out run;
do not develop on them. The learned outline model (``devices/scan/outline_model.py``) was trained on seeds
41000-50999 only.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.baseline import detect_baseline
from devices.scan.detect import detect_document, detect_preview
from devices.scan.geometry import Quad, corner_error
from devices.sim.docscene import CONDITIONS, DOCUMENT_KINDS, render_scene, synthetic_set

T = TypeVar("T")

SUCCESS = 0.01
AIM_SUCCESS, AIM_PIPELINE_MS, AIM_FPS, AIM_BYTES = 0.98, 300.0, 20.0, 500_000
PREVIEW_SIZE = (1280, 720)
MISSING = 1.0  # the error recorded when nothing is found: as bad as a whole diagonal


def _machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return (f"{model}; {os.cpu_count()} cores; Python {platform.python_version()}; OpenCV {cv2.__version__}; "
            f"NumPy {np.__version__}; OpenCV threads {cv2.getNumThreads()}")


def _error(found: Quad | None, truth: Quad) -> float:
    return MISSING if found is None else corner_error(found, truth)


def _timed(fn: Callable[[NDArray[np.uint8]], T], frame: NDArray[np.uint8]) -> tuple[T, float]:
    start = time.perf_counter()
    result = fn(frame)
    return result, time.perf_counter() - start


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _line(name: str, value: str, ratio: float | None = None) -> None:
    tail = f"   ({ratio:.2f}x the aim)" if ratio is not None else ""
    print(f"  {name:<44} {value:>16}{tail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=200, help="8 MP scenes (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="first scene seed")
    parser.add_argument("--preview", type=int, default=60, help="1280x720 scenes for the preview figures")
    parser.add_argument("--plain", action="store_true", help="no scene conditions (the set before issue 19)")
    args = parser.parse_args(argv)

    try:
        from devices.scan.pipeline import ScanOptions, scan_page
        pipeline: Callable[..., object] | None = scan_page
        options: object = ScanOptions()
    except ImportError:
        pipeline, options = None, None

    print(f"machine: {_machine()}")
    print(f"scenes: {args.count} at 3264x2448, seeds {args.seed}..{args.seed + args.count - 1}; "
          f"{args.preview} at {PREVIEW_SIZE[0]}x{PREVIEW_SIZE[1]} for the preview")
    detect_document(render_scene(10**6, size=(816, 612)).image)  # warm-up: font lookup, OpenCV tables

    ours_err: list[float] = []
    base_err: list[float] = []
    ours_t: list[float] = []
    base_t: list[float] = []
    pipe_t: list[float] = []
    pipe_bytes: list[int] = []
    per_kind: dict[str, list[bool]] = defaultdict(list)
    per_kind_base: dict[str, list[bool]] = defaultdict(list)
    per_condition: dict[str, list[bool]] = defaultdict(list)
    confident: list[bool] = []
    for n, scene in enumerate(synthetic_set(args.count, first_seed=args.seed, conditions=not args.plain)):
        frame = scene.image
        found, took = _timed(detect_document, frame)
        ours_err.append(_error(found.quad, scene.corners))
        confident.append(found.confident)
        per_condition[scene.condition or "plain"].append(ours_err[-1] < SUCCESS)
        ours_t.append(took)
        base_quad, base_took = _timed(detect_baseline, frame)
        base_err.append(_error(base_quad, scene.corners))
        base_t.append(base_took)
        per_kind[scene.kind].append(ours_err[-1] < SUCCESS)
        per_kind_base[scene.kind].append(base_err[-1] < SUCCESS)
        if pipeline is not None:
            start = time.perf_counter()
            detection = detect_document(frame)
            page = pipeline(frame, detection.quad if detection.confident else None, options)  # as process_frame
            pipe_t.append(time.perf_counter() - start)
            pipe_bytes.append(len(page.jpeg))  # type: ignore[attr-defined]
        if (n + 1) % 20 == 0:
            print(f"  ... {n + 1}/{args.count}", file=sys.stderr, flush=True)

    prev_ours_t: list[float] = []
    prev_base_t: list[float] = []
    prev_ours_ok: list[bool] = []
    prev_base_ok: list[bool] = []
    for i in range(args.preview):
        scene = render_scene(args.seed + 50_000 + i, size=PREVIEW_SIZE, kind=DOCUMENT_KINDS[i % len(DOCUMENT_KINDS)])
        preview, took = _timed(detect_preview, scene.image)
        prev_ours_t.append(took)
        prev_ours_ok.append(_error(preview.quad, scene.corners) < SUCCESS)
        base_quad, base_took = _timed(detect_baseline, scene.image)
        prev_base_t.append(base_took)
        prev_base_ok.append(_error(base_quad, scene.corners) < SUCCESS)

    ours_ok = float(np.mean(np.array(ours_err) < SUCCESS))
    base_ok = float(np.mean(np.array(base_err) < SUCCESS))
    print("\ndetection on 8 MP frames                          ours            baseline")
    print(f"  success (corner error < 1% of diagonal)  {ours_ok:>13.1%}   {base_ok:>13.1%}"
          f"   (ours {ours_ok / AIM_SUCCESS:.2f}x the 98% aim)")
    print(f"  median corner error (% of diagonal)      {100 * _pct(ours_err, 50):>13.3f}   "
          f"{100 * _pct(base_err, 50):>13.3f}")
    print(f"  p90 corner error (% of diagonal)         {100 * _pct(ours_err, 90):>13.3f}   "
          f"{100 * _pct(base_err, 90):>13.3f}")
    print(f"  median detection time per frame (ms)     {1000 * _pct(ours_t, 50):>13.1f}   "
          f"{1000 * _pct(base_t, 50):>13.1f}")
    print(f"  p90 / max detection time (ms)            {1000 * _pct(ours_t, 90):>6.1f} /{1000 * max(ours_t):>5.0f}   "
          f"{1000 * _pct(base_t, 90):>6.1f} /{1000 * max(base_t):>5.0f}")
    print("\n  success by kind                          ours            baseline")
    for kind in DOCUMENT_KINDS:
        if per_kind[kind]:
            print(f"    {kind:<14} (n={len(per_kind[kind]):>3})              {np.mean(per_kind[kind]):>7.1%}"
                  f"         {np.mean(per_kind_base[kind]):>7.1%}")

    print("\n  success by scene condition (issue 19)    ours")
    for condition in ("plain", *CONDITIONS):
        if per_condition[condition]:
            print(f"    {condition:<14} (n={len(per_condition[condition]):>3})              "
                  f"{np.mean(per_condition[condition]):>7.1%}")

    right = np.array(ours_err) < SUCCESS
    trusted = np.array(confident)
    wrong_trusted = int(np.sum(~right & trusted))
    right_doubted = int(np.sum(right & ~trusted))
    print("\nconfidence calibration (Detection.confident; not confident = whole frame kept, page marked uncertain)")
    _line("wrong (or none) but confident", f"{wrong_trusted} of {int(np.sum(~right))} wrong")
    _line("  as a share of all scenes", f"{wrong_trusted / max(len(right), 1):.1%}")
    _line("right but not confident", f"{right_doubted} of {int(np.sum(right))} right")
    _line("  as a share of the right ones", f"{right_doubted / max(int(np.sum(right)), 1):.1%}")
    _line("success among confident detections", f"{np.mean(right[trusted]) if trusted.any() else float('nan'):.1%}")

    print("\ncapture pipeline (detect_document + scan_page: warp, enhance, JPEG)")
    if pipeline is None or not pipe_t:
        print("  pipeline not available")
    else:
        med, worst = 1000 * statistics.median(pipe_t), 1000 * max(pipe_t)
        _line("median time per 8 MP frame (ms)", f"{med:.1f}", med / AIM_PIPELINE_MS)
        _line("max time per 8 MP frame (ms)", f"{worst:.1f}", worst / AIM_PIPELINE_MS)
        _line("median bytes per page (KB)", f"{statistics.median(pipe_bytes) / 1000:.1f}",
              statistics.median(pipe_bytes) / AIM_BYTES)
        _line("max bytes per page (KB)", f"{max(pipe_bytes) / 1000:.1f}", max(pipe_bytes) / AIM_BYTES)

    print(f"\npreview detection at {PREVIEW_SIZE[0]}x{PREVIEW_SIZE[1]}     ours            baseline")
    ours_fps = 1.0 / statistics.median(prev_ours_t)
    base_fps = 1.0 / statistics.median(prev_base_t)
    print(f"  frames per second (1 / median time)      {ours_fps:>13.1f}   {base_fps:>13.1f}"
          f"   (ours {ours_fps / AIM_FPS:.2f}x the 20 fps aim)")
    print(f"  median time (ms)                         {1000 * statistics.median(prev_ours_t):>13.1f}   "
          f"{1000 * statistics.median(prev_base_t):>13.1f}")
    print(f"  success (corner error < 1%)              {np.mean(prev_ours_ok):>13.1%}   {np.mean(prev_base_ok):>13.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
