"""Batches sized to the line: a few seconds of upload each, within fixed bounds."""

from __future__ import annotations

import pytest

from sync.planner import BatchSizer

MiB = 1024 * 1024


def test_starts_small_until_the_line_is_measured() -> None:
    sizer = BatchSizer(seconds=8.0, first=4 * MiB, smallest=1 * MiB, largest=64 * MiB)
    assert sizer.budget() == 4 * MiB
    sizer.observe(100_000, 0.5)  # too small to time well: ignored
    sizer.observe(5 * MiB, 0.0)  # no time measured: ignored
    assert sizer.rate is None and sizer.budget() == 4 * MiB


@pytest.mark.parametrize(("size", "seconds", "budget"), [
    (2 * MiB, 1.0, 16 * MiB),          # 2 MiB/s: 8 s of it
    (400 * 1024, 1.0, int(3.125 * MiB)),  # a township line: ~3 MiB, a batch every ~8 s
    (MiB, 10.0, 1 * MiB),              # slower than the floor: never below 1 MiB
    (300 * MiB, 1.0, 64 * MiB),        # loopback: capped
])
def test_budget_is_about_eight_seconds_of_the_measured_rate(size: int, seconds: float, budget: int) -> None:
    sizer = BatchSizer(seconds=8.0, first=4 * MiB, smallest=1 * MiB, largest=64 * MiB)
    sizer.observe(size, seconds)
    assert sizer.budget() == budget


def test_rate_is_smoothed_over_uploads() -> None:
    sizer = BatchSizer(seconds=8.0, first=4 * MiB, smallest=1 * MiB, largest=64 * MiB)
    sizer.observe(4 * MiB, 1.0)
    sizer.observe(2 * MiB, 1.0)  # the line slowed down: halfway between
    assert sizer.rate == pytest.approx(3 * MiB)
    assert sizer.budget() == 24 * MiB


def test_a_timeout_halves_the_next_batches_down_to_the_floor() -> None:
    sizer = BatchSizer(seconds=8.0, first=4 * MiB, smallest=1 * MiB, largest=64 * MiB)
    sizer.slowed()  # before any measurement: half the first batch
    assert sizer.budget() == 2 * MiB
    sizer.observe(16 * MiB, 1.0)  # then a fast upload brings it back up (smoothed)
    assert sizer.budget() == 64 * MiB
    for _ in range(10):
        sizer.slowed()
    assert sizer.budget() == 1 * MiB


@pytest.mark.parametrize(("rate", "size", "seconds"), [
    (None, 1 * MiB, 32.0),            # unmeasured: the slowest line planned for, 32 KiB/s
    (None, 64 * MiB, 128.0),          # the OS holds at most 4 MiB of it when the write returns
    (1 * MiB, 2 * MiB, 8.0),          # a quarter of the measured 1 MiB/s
    (1024.0, 1 * MiB, 32.0),          # a measured crawl: still 32 KiB/s assumed (the slowest planned for)
])
def test_an_upload_is_awaited_while_the_line_carries_what_the_os_holds(
        rate: float | None, size: int, seconds: float) -> None:
    sizer = BatchSizer(seconds=8.0, first=4 * MiB, smallest=1 * MiB, largest=64 * MiB, rate=rate)
    assert sizer.drain(size) == pytest.approx(seconds)
