"""How old the terminal's reference data is (issue 19 item 6): a read for the window's status bar.

A laptop out on home visits (上门服务) may go days without a network. What it works with then (form
definitions, policy rules and yearly figures, holiday schedules) is whatever it took at its last contact,
and a clerk must know when that is old enough to matter: a form changed at the central system, a new
year's figures or holiday schedule not yet here. The age is counted from the last *successful reference
check* (``syncstate.REFERENCE_CHECKED``, written by ``sync.reference`` whenever the central system answered
the check, changed or not), not from the last new data set: data unchanged for months is current if the
central system said so yesterday. Per kind the read says which version this terminal took from the central
system and when (None: the data shipped with the software), and how far the data reaches (the last year
with a holiday schedule, the last statistical year with figures).

``Settings.reference_warn_days`` (default 7) sets when the window warns (amber), twice that when it warns
strongly (red). Never checked is a warning, not yet strong: a terminal just installed has the shipped data.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from app.terminal import Terminal
from core.errors import ConfigError
from local_db import syncstate
from local_db.models import SyncState
from sync.reference import VERSION

__all__ = ["AgeLevel", "KindAge", "ReferenceAge", "ReferenceKind", "reference_age"]


class ReferenceKind(enum.StrEnum):
    FORMS = "forms"
    RULES = "rules"
    HOLIDAYS = "holidays"


class AgeLevel(enum.StrEnum):
    FRESH = "fresh"
    #: older than ``reference_warn_days`` (or never checked)
    WARN = "warn"
    #: older than twice that
    STALE = "stale"


@dataclass(frozen=True)
class KindAge:
    """One kind of reference data: the version taken from the central system and when (None: shipped with the
    software), and the last year it covers (holidays, figures; None for forms)."""

    kind: ReferenceKind
    version: int | None
    taken_at: datetime | None
    last_year: int | None


@dataclass(frozen=True)
class ReferenceAge:
    """The age of the reference data at ``now``."""

    now: datetime
    #: the last successful check with the central system (None: never)
    checked_at: datetime | None
    warn_days: int
    kinds: tuple[KindAge, ...]

    @property
    def days(self) -> int | None:
        """Whole days since the last check (None: never checked)."""
        if self.checked_at is None:
            return None
        return max(0, (self.now - self.checked_at).days)

    @property
    def level(self) -> AgeLevel:
        days = self.days
        if days is None:
            return AgeLevel.WARN
        if days >= 2 * self.warn_days:
            return AgeLevel.STALE
        return AgeLevel.WARN if days >= self.warn_days else AgeLevel.FRESH

    def kind(self, kind: ReferenceKind) -> KindAge:
        return next(k for k in self.kinds if k.kind is kind)


#: the data sets of each kind (``app.reference.reference_target``'s names; figures per province)
def _sets(province: str) -> dict[ReferenceKind, tuple[str, ...]]:
    return {ReferenceKind.FORMS: ("forms",), ReferenceKind.RULES: (f"figures-{province}", "figures-00"),
            ReferenceKind.HOLIDAYS: ("holidays",)}


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def reference_age(terminal: Terminal, *, now: datetime | None = None) -> ReferenceAge:
    """How old this terminal's reference data is at ``now`` (default: the clock), per kind.

    No personal data: any signed-in clerk's window reads it. Cheap: a few small rows and the data the
    terminal already holds in memory.
    """
    sets = _sets(terminal.settings.province_code)
    keys = [VERSION + name for names in sets.values() for name in names]
    with terminal.db.sessions() as s:
        rows = {row.key: row for row in s.scalars(select(SyncState).where(SyncState.key.in_(keys)))}
    checked = _parse_time(syncstate.get_value(terminal.db, syncstate.REFERENCE_CHECKED))
    kinds = []
    for kind, names in sets.items():
        taken = [rows[VERSION + name] for name in names if VERSION + name in rows]
        first = taken[0] if taken else None
        version = int(first.value) if first is not None and first.value.isdigit() else None
        taken_at = max((row.updated_at for row in taken), default=None)
        if taken_at is not None and taken_at.tzinfo is None:
            taken_at = taken_at.replace(tzinfo=UTC)
        kinds.append(KindAge(kind, version, taken_at, _last_year(terminal, kind)))
    return ReferenceAge(now or datetime.now(UTC), checked, terminal.settings.reference_warn_days, tuple(kinds))


def _last_year(terminal: Terminal, kind: ReferenceKind) -> int | None:
    """The last year the data of ``kind`` covers: a holiday schedule, or a statistical year's figures."""
    if kind is ReferenceKind.HOLIDAYS:
        try:
            return max(terminal.reference.calendar().years, default=None)
        except ConfigError:
            return None
    if kind is ReferenceKind.RULES:
        figures = terminal.reference.figures()
        return max(figures.years, default=None) if figures is not None else None
    return None
