"""What a lookup at the central system came back with, as the window and the forms use it (issue 20).

The use cases in ``app/usecases/lookup.py`` (``look_up_person``, ``look_up_employer``) return these values; the
form prefill, the duplicate warning, the lost-card stop, the rule panels and the query screens read them. They
never raise for "offline" or "not registered": those are ordinary answers at a counter, and the window says them
in a sentence (``message``) and carries on with what the card said. A refused permission or a bad reason raises
as every use case does.

Nothing here is kept: no bulk copy of the registry lives on the terminal; a lookup's result lives as long as the
form or screen that asked for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from protocol.lookup import EmployerOut, PersonOut, ReasonKind, RegisteredOut


class LookupOutcome(StrEnum):
    FOUND = "found"
    #: the central system answered: nobody with this number is registered
    NOT_REGISTERED = "not_registered"
    #: no network, or the central system did not answer in time: the window carries on with the card's data
    OFFLINE = "offline"
    #: the central system answered with an error (refused, malformed): said in ``message``
    FAILED = "failed"


@dataclass(frozen=True)
class LookupReason:
    """Why the clerk looks someone up: a card read at the window, or the clerk's words (``note``)."""

    kind: ReasonKind
    note: str | None = None
    item_code: str | None = None


@dataclass(frozen=True)
class PersonLookup:
    outcome: LookupOutcome
    person: PersonOut | None = None
    #: Chinese sentence for the window when not FOUND ("未能连接中心系统，已按卡面信息继续办理" …)
    message: str = ""
    #: the lookup's id as both sides recorded it; None when nothing reached the central system
    lookup_id: str | None = None


@dataclass(frozen=True)
class EmployerLookup:
    outcome: LookupOutcome
    employer: EmployerOut | None = None
    message: str = ""
    lookup_id: str | None = None


@dataclass(frozen=True)
class RegisteredCheck:
    """Which ID numbers of an employer's batch the central system already knows (``check_registered``).

    ``registered`` maps each known number (as sent) to what the registry says of it: insured now and where
    (``same_unit``: at the batch's own unit), its name, its benefit status. A number absent from it is not
    registered. Empty with ``outcome`` OFFLINE or FAILED: nothing could be checked (``message`` says so).
    """

    outcome: LookupOutcome
    registered: Mapping[str, RegisteredOut] = field(default_factory=dict)
    #: distinct numbers checked (0 when nothing reached the central system)
    checked: int = 0
    message: str = ""
    lookup_id: str | None = None
