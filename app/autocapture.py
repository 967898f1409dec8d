"""When to take a page by itself: a confident outline that lies still and sharp for a moment.

The clerk lays a document under the camera and takes the hand away; a page is taken once the
outline has stayed put (every corner within ``STILL_SHARE`` of the outline's diagonal) for
``HOLD_SECONDS``, the picture inside it is sharp, and the detector trusts the outline
(``Detection.confident``). Then nothing more is taken until the document is removed or changed: the
outline disappears, or moves further than a hand straightening it would. A moving, blurred or
uncertain document never fires; an uncertain one is said so the clerk can take it by hand.

Pure Python over the preview's outlines and a time the caller supplies (the frame's arrival time in
the dialog, a counted frame time in tests), so it is tested without a camera and without waiting.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

#: how long the outline must hold still before the page is taken
HOLD_SECONDS = 0.7
#: corners moving less than this share of the outline's diagonal count as still (sensor noise, a breath)
STILL_SHARE = 0.02
#: an outline moved further than this share (from where it was taken) is another placement: may fire again
MOVED_SHARE = 0.08
#: variance of the Laplacian inside the outline (preview size, grey) below which the picture is blurred
SHARP_AT = 60.0
#: frames without an outline after which the document counts as removed (one missed detection is not)
GONE_AFTER = 3
#: mean grey difference (0..255) of the outline's small look above which it is another document in the
#: same place (an ID card turned over where it lay); a frame's noise is 1-2
CHANGED_AT = 12.0
#: side of the small grey look compared to tell one document from another
LOOK_SIDE = 16

Corners = NDArray[np.float32]


class Phase(enum.StrEnum):
    EMPTY = "empty"  # no outline
    UNCERTAIN = "uncertain"  # an outline the detector does not trust: take by hand
    MOVING = "moving"  # outline found, not (yet) still or not sharp
    HOLDING = "holding"  # still and sharp, counting down
    FIRE = "fire"  # take the page now (reported once)
    TAKEN = "taken"  # this placement was taken; waiting for it to be removed or changed


@dataclass(frozen=True)
class Observation:
    phase: Phase
    #: 0..1 of the countdown while HOLDING (1 at FIRE)
    progress: float = 0.0


def diagonal(quad: Corners) -> float:
    xs, ys = quad[:, 0], quad[:, 1]
    return math.hypot(float(xs.max() - xs.min()), float(ys.max() - ys.min()))


def corner_shift(a: Corners, b: Corners) -> float:
    """Largest distance a corner moved, as a share of ``a``'s diagonal (corners in the same order)."""
    size = diagonal(a)
    if size <= 0:
        return math.inf
    return float(np.max(np.hypot(*(np.asarray(a, np.float64) - np.asarray(b, np.float64)).T))) / size


def sharpness(image: NDArray[np.uint8], quad: Corners) -> float:
    """Variance of the Laplacian over the outline's inner part (grey): low when the picture is blurred."""
    import cv2

    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    xs, ys = quad[:, 0], quad[:, 1]
    # the middle of the bounding box, away from the edges (whose contrast says nothing about focus)
    x0, x1 = float(xs.min()), float(xs.max())
    y0, y1 = float(ys.min()), float(ys.max())
    inset_x, inset_y = (x1 - x0) * 0.15, (y1 - y0) * 0.15
    left, right = max(0, int(x0 + inset_x)), min(grey.shape[1], int(x1 - inset_x))
    top, bottom = max(0, int(y0 + inset_y)), min(grey.shape[0], int(y1 - inset_y))
    if right - left < 8 or bottom - top < 8:
        return 0.0
    return float(cv2.Laplacian(grey[top:bottom, left:right], cv2.CV_64F).var())


def look(image: NDArray[np.uint8], quad: Corners) -> NDArray[np.float32]:
    """The outline's bounding box shrunk to a few grey pixels: what tells a card's back from its front."""
    import cv2

    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    xs, ys = quad[:, 0], quad[:, 1]
    left, right = max(0, int(xs.min())), min(grey.shape[1], int(xs.max()) + 1)
    top, bottom = max(0, int(ys.min())), min(grey.shape[0], int(ys.max()) + 1)
    if right - left < 2 or bottom - top < 2:
        return np.zeros((LOOK_SIDE, LOOK_SIDE), np.float32)
    small = cv2.resize(grey[top:bottom, left:right], (LOOK_SIDE, LOOK_SIDE), interpolation=cv2.INTER_AREA)
    return np.asarray(small, np.float32)


class StillnessWatch:
    """Feed it every preview frame's outline; it says when to take the page, once per placement."""

    def __init__(self, *, hold: float = HOLD_SECONDS, still: float = STILL_SHARE, moved: float = MOVED_SHARE,
                 sharp_at: float = SHARP_AT) -> None:
        self.hold, self.still, self.moved, self.sharp_at = hold, still, moved, sharp_at
        self._anchor: Corners | None = None  # where the outline settled
        self._since: float | None = None  # when it settled
        self._taken: Corners | None = None  # the outline of the placement already taken
        self._taken_look: NDArray[np.float32] | None = None
        self._missing = 0

    def reset(self) -> None:
        """Forget everything (a new material, or the clerk took the page by hand and wants another)."""
        self._anchor, self._since, self._taken, self._missing = None, None, None, 0
        self._taken_look = None

    def mark_taken(self, quad: Corners | None, seen: NDArray[np.float32] | None = None) -> None:
        """This placement was taken (by hand or by itself): do not take it again until it changes."""
        self._taken = None if quad is None else np.asarray(quad, np.float32).copy()
        self._taken_look = seen
        self._anchor, self._since = None, None

    def observe(self, quad: Sequence[Sequence[float]] | Corners | None, confident: bool, sharp: float,
                now: float, seen: NDArray[np.float32] | None = None) -> Observation:
        """One preview frame: its outline (None: none), whether it is trusted, its sharpness, its time,
        and optionally its small look (``look``), which tells a document turned over in place."""
        if quad is None:
            self._missing += 1
            self._anchor, self._since = None, None
            if self._missing >= GONE_AFTER:
                self._taken = None  # the document was lifted: the next one may be taken
            return Observation(Phase.TAKEN if self._taken is not None else Phase.EMPTY)
        self._missing = 0
        corners = np.asarray(quad, np.float32)
        if self._taken is not None:
            same_look = (seen is None or self._taken_look is None
                         or float(np.mean(np.abs(seen - self._taken_look))) < CHANGED_AT)
            if corner_shift(self._taken, corners) <= self.moved and same_look:
                return Observation(Phase.TAKEN)
            self._taken, self._taken_look = None, None  # moved away, turned over or replaced
        if not confident:
            self._anchor, self._since = None, None
            return Observation(Phase.UNCERTAIN)
        if self._anchor is None or corner_shift(self._anchor, corners) > self.still:
            self._anchor, self._since = corners, now
            return Observation(Phase.MOVING)
        if sharp < self.sharp_at:
            self._since = now  # the countdown starts when the picture is sharp
            return Observation(Phase.MOVING)
        assert self._since is not None
        progress = (now - self._since) / self.hold if self.hold > 0 else 1.0
        if progress >= 1.0:
            self.mark_taken(corners, seen)
            return Observation(Phase.FIRE, 1.0)
        return Observation(Phase.HOLDING, max(0.0, progress))
