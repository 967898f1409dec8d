"""Benchmark: the supervisor's statistics over a year of one busy terminal (issue 18, item 6).

Run: ``.venv/bin/python bench/reports.py [--submissions 50000] [--runs 15]``. Limit: 200 ms per report.

It builds, once, a terminal as a counter PC has it (``app.terminal.build_terminal``: the SQLCipher-encrypted
database through ``local_db.database``, migrated to head, the audit trail keyed), and fills it through plain
bulk inserts with a year (2026) of one window: ``--submissions`` versions accepted on working days between
08:30 and 17:30 Beijing time by four clerks over twenty items, each with a form payload of about 1.5 KB as
the real ones have; about 8 % returned (most of them corrected: a second version), 5 % answered after
their due date, some unanswered and past it, waivers on about one case in six, answers one to twenty
days later, a 好差评 rating on about 60 % of the versions (mostly good, a few poor with their reasons: the
rating counts travel in ``submission.rating_bits``, kept by a trigger on ``case_rating``, migration 0014), and a
one-time notice for about one applicant in ten. Then it runs every report shape
(3 periods × 3 groupings) over the widest range, the whole year, through ``app.reports.statistics`` -- the
permission check, the one SQL statement, the totals and the audit entry the window's read writes -- and
prints the median and 95th percentile of ``--runs`` after one warm-up, against the limit.
"""

from __future__ import annotations

import argparse
import random
import statistics as stats
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from app.reports import Grouping, Period, statistics  # noqa: E402
from app.secrets import SecretStore, file_keyring  # noqa: E402
from app.settings import DeviceSettings, Settings  # noqa: E402
from app.terminal import Terminal, build_terminal  # noqa: E402
from local_db.clerks import ClerkInfo, Role, add_clerk  # noqa: E402
from local_db.models import CaseRating, InformedNotice, Submission  # noqa: E402

LIMIT_MS = 200.0
YEAR = 2026
TERMINAL = "T-BENCH-01"
CLERKS = ("2001", "2002", "2003", "2004")
SUPERVISOR = ClerkInfo("6001", "基准主管", frozenset({Role.SUPERVISOR}))


def working_days(year: int) -> list[date]:
    day, out = date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def payload(rng: random.Random) -> dict[str, object]:
    """About 1.5 KB of form values, as a registration or retirement form holds."""
    return {f"field_{i:02d}": "".join(rng.choice("社会保险经办柜台终端参保登记退休核准单位个人") for _ in range(12))
            for i in range(40)}


#: how applicants rate (level: weight), as service halls report it: most very satisfied, a few poor
RATING_WEIGHTS = {5: 70, 4: 20, 3: 6, 2: 3, 1: 1}


def ratings(rng: random.Random, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """A rating on about 60 % of the versions, given a few minutes after acceptance."""
    levels, weights = list(RATING_WEIGHTS), list(RATING_WEIGHTS.values())
    out: list[dict[str, object]] = []
    for row in rows:
        if rng.random() < 0.6:
            level = rng.choices(levels, weights)[0]
            created = row["created_at"]
            assert isinstance(created, datetime)
            out.append(dict(id=str(uuid.uuid4()), submission_id=row["id"], clerk_id=row["clerk_id"], level=level,
                            reasons=["slow"] if level <= 2 else [], created_at=created + timedelta(minutes=3)))
    return out


def fill(terminal: Terminal, count: int, seed: int = 18) -> tuple[int, int]:
    """Write ``count`` submission versions, their ratings and notices; how many versions and notices."""
    rng = random.Random(seed)
    items = [f"item_{i:02d}" for i in range(20)]
    days = working_days(YEAR)
    now = datetime(YEAR, 12, 31, 12, tzinfo=UTC)
    rows: list[dict[str, object]] = []
    notices: list[dict[str, object]] = []
    made = 0
    while made < count:
        day = days[made * len(days) // count]
        created = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
            seconds=rng.randrange(30 * 60, 9 * 3600 + 30 * 60)) - timedelta(hours=8)
        case_id = str(uuid.uuid4())
        due = day + timedelta(days=rng.choice((7, 14, 28)))
        answered = created + timedelta(days=rng.uniform(1, 20))
        returned = rng.random() < 0.08
        late = rng.random() < 0.05
        if late:
            answered = datetime.combine(due, datetime.min.time(), UTC) + timedelta(days=rng.uniform(1, 5))
        answered_at = answered if answered < now else None
        state = "returned" if returned and answered_at else "closed" if answered_at else "accepted"
        base = dict(item_code=rng.choice(items), form_version=1, version=1, terminal_id=TERMINAL,
                    clerk_id=rng.choice(CLERKS), payload=payload(rng), counter_receipt_no=None,
                    created_at=created, updated_at=created, due_date=due, time_limit_days=20,
                    waiver_count=rng.choice((0, 0, 0, 0, 0, 1)))
        corrected = returned and answered_at is not None and rng.random() < 0.8 and made + 1 < count
        again = (answered_at or now) + timedelta(days=rng.uniform(1, 10))  # when a correction was accepted
        rows.append(dict(base, id=case_id, case_id=case_id, case_version=1, state="closed" if corrected else state,
                         answered_at=answered_at,
                         closed_at=again if corrected else answered_at if state == "closed" else None))
        made += 1
        if corrected:
            final = again + timedelta(days=5) if again + timedelta(days=5) < now else None
            rows.append(dict(base, id=str(uuid.uuid4()), case_id=case_id, case_version=2, created_at=again,
                             updated_at=again, state="closed" if final else "accepted", answered_at=final,
                             closed_at=final))
            made += 1
        if rng.random() < 0.1:
            notices.append(dict(id=str(uuid.uuid4()), notice_no=f"GZ-{len(notices):06d}",
                                item_code=base["item_code"], form_version=1, terminal_id=TERMINAL,
                                clerk_id=base["clerk_id"], applicant_name="测试", applicant_id_number=None,
                                agent_name=None, missing=[{"key": "id_copy", "name": "身份证复印件", "basis": "第6条"}],
                                note=None, created_at=created))
    with terminal.db.sessions.begin() as s:
        for start in range(0, len(rows), 5000):
            s.execute(insert(Submission), rows[start:start + 5000])
        s.execute(insert(InformedNotice), notices)
        rated = ratings(rng, rows)
        for start in range(0, len(rated), 5000):
            s.execute(insert(CaseRating), rated[start:start + 5000])
    return len(rows), len(notices)


def counts(terminal: Terminal) -> tuple[int, int]:
    with terminal.db.sessions() as s:
        return (int(s.scalar(select(func.count()).select_from(Submission)) or 0),
                int(s.scalar(select(func.count()).select_from(InformedNotice)) or 0))


def rated_count(terminal: Terminal) -> int:
    with terminal.db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(CaseRating)) or 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="build the database in this folder and keep it; reuse it "
                                                  "when it is there (for looking at query plans)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as scratch:
        tmp = str(args.keep or scratch)
        reuse = args.keep is not None and (Path(tmp) / "data").exists()
        settings = Settings(central_url="http://127.0.0.1:9", terminal_id=TERMINAL, office_name="基准测试服务大厅",
                            data_dir=Path(tmp) / "data",
                            devices=DeviceSettings(card_reader="off", id_reader="off", camera="off"))
        terminal = build_terminal(settings, SecretStore(file_keyring(Path(tmp) / "keyring")), start_sender=False,
                                  start_devices=False)
        try:
            started = time.perf_counter()
            if reuse:
                versions, notices = counts(terminal)
            else:
                for clerk in CLERKS:
                    add_clerk(terminal.db, clerk, f"柜员{clerk}", "bench-pass-1", roles=frozenset({Role.FRONT_DESK}))
                add_clerk(terminal.db, SUPERVISOR.id, SUPERVISOR.name, "bench-pass-1", roles=SUPERVISOR.roles)
                versions, notices = fill(terminal, args.submissions)
            size = settings.database_path().stat().st_size
            print(f"database: {versions} submission versions, {rated_count(terminal)} rated, {notices} one-time "
                  f"notices, {size / 1e6:.1f} MB encrypted (SQLCipher), built in {time.perf_counter() - started:.1f} s")
            print(f"range {YEAR}-01-01..{YEAR}-12-31, {args.runs} runs after one warm-up; limit {LIMIT_MS:.0f} ms")
            print(f"{'report':<16}{'lines':>7}{'median ms':>11}{'p95 ms':>9}{'ratio':>8}")
            worst = 0.0
            for period in Period:
                for grouping in Grouping:
                    def once(period: Period = period, grouping: Grouping = grouping) -> int:
                        return len(statistics(terminal, SUPERVISOR, period, grouping, date(YEAR, 1, 1),
                                              date(YEAR, 12, 31), today=date(YEAR, 12, 31)).lines)
                    lines = once()
                    times = []
                    for _ in range(args.runs):
                        t0 = time.perf_counter()
                        once()
                        times.append((time.perf_counter() - t0) * 1000)
                    times.sort()
                    median = stats.median(times)
                    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
                    worst = max(worst, p95)
                    print(f"{period.value + ' x ' + grouping.value:<16}{lines:>7}{median:>11.1f}{p95:>9.1f}"
                          f"{p95 / LIMIT_MS:>8.2f}")
            print(f"worst p95 {worst:.1f} ms = {worst / LIMIT_MS:.2f} x the limit: "
                  + ("within" if worst <= LIMIT_MS else "OVER"))
            return 0 if worst <= LIMIT_MS else 1
        finally:
            terminal.close()


if __name__ == "__main__":
    sys.exit(main())
