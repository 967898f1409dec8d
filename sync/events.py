"""What the sync engine reports, as a closed set of typed events.

The engine runs on its own thread and never touches Qt; it hands these to one callback (the
terminal's event hub, which the UI re-emits as a Qt signal). Each carries ``pending``, the
submissions still to send after it, so a listener can show the queue without asking the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.errors import CounterError


class Outcome(StrEnum):
    """How one send step ended (None from the engine when nothing was due)."""

    #: something went through (or the step made progress: go on at once)
    ACCEPTED = "accepted"
    #: the rows wait (the whole batch backs off, or a few rows retry shortly)
    RETRY = "retry"
    #: rows were refused and need a person
    FAILED = "failed"


@dataclass(frozen=True)
class Online:
    """The central system answers (again)."""

    pending: int


@dataclass(frozen=True)
class Offline:
    """The central system cannot be reached (or is busy, or refuses this terminal's token)."""

    pending: int
    error: CounterError | None = None


@dataclass(frozen=True)
class Accepted:
    """The central system took a submission; ``receipt_number`` is its acceptance number."""

    pending: int
    submission_id: str
    receipt_number: str


@dataclass(frozen=True)
class Retrying:
    """A batch was not sent and waits out a backoff; ``submission_id`` is its first row."""

    pending: int
    submission_id: str
    error: CounterError


@dataclass(frozen=True)
class Failed:
    """The central system refused a submission (or it cannot be read locally): it needs a person."""

    pending: int
    submission_id: str
    error: CounterError


@dataclass(frozen=True)
class StatusChanged:
    """The central system moved a submission on: ``status`` returned or approved (with its reason), awaiting_review
    (received as 待复核), or accepted once a case awaiting review was signed elsewhere."""

    pending: int
    submission_id: str
    receipt_number: str | None
    status: str
    reason: str | None


@dataclass(frozen=True)
class ReferenceUpdated:
    """New reference data (forms, holidays, figures) is in the cache: read it again."""

    pending: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class ReferenceRefused:
    """A reference data set was refused and changed nothing (unsigned, wrongly signed, an older or a
    same-version-but-changed set, unusable data): ``reason`` in Chinese, for the administrator."""

    pending: int
    name: str
    reason: str


@dataclass(frozen=True)
class ReferenceAwaiting:
    """A signed update would weaken a safeguard (a lower review tier, a dropped or loosened required
    material): the entries ``keys`` are kept aside, the old ones stay in force until an administrator
    confirms them on this terminal."""

    pending: int
    name: str
    keys: tuple[str, ...]


SyncEvent = (Online | Offline | Accepted | Retrying | Failed | StatusChanged | ReferenceUpdated | ReferenceRefused
             | ReferenceAwaiting)
#: the event classes, for ``isinstance`` (a union works too; this reads better in a tuple of checks)
SYNC_EVENTS = (Online, Offline, Accepted, Retrying, Failed, StatusChanged, ReferenceUpdated, ReferenceRefused,
               ReferenceAwaiting)


def submission_of(event: SyncEvent) -> str | None:
    """The submission an event is about, if any."""
    if isinstance(event, Accepted | Retrying | Failed | StatusChanged):
        return event.submission_id
    return None
