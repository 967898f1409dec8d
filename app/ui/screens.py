"""The window's screen table: which page a catalogue item that is not a form opens (issue 20).

``resources/service_items.json`` names a ``screen`` for every item without a form; ``SCREENS`` maps that name
to a function that builds the page. A helper adding a screen (certificates, employer items) adds one entry here.
``unknown_screens`` lets a test hold the catalogue and this table together: no tile leads nowhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from app.permissions import ClerkInfo
from app.person_query import Focus
from app.ui.age_confirmation_page import AgeConfirmationPage
from app.ui.certificate_page import SCREENS as CERTIFICATE_SCREENS
from app.ui.employer_query_page import EmployerQueryPage
from app.ui.operations import OpContext
from app.ui.person_query_page import PersonQueryPage
from app.ui.query_common import QueryScreen
from app.ui.verification_page import VerificationPage
from forms.catalogue import ServiceItem

# (context, clerk, item, the counter's date) -> the page
ScreenFactory = Callable[[OpContext, ClerkInfo, ServiceItem, date], QueryScreen]


def _person(focus: Focus) -> ScreenFactory:
    return lambda ctx, clerk, item, today: PersonQueryPage(ctx, clerk, item.code, item.name, focus, today)


SCREENS: dict[str, ScreenFactory] = {
    "personal_query": _person(Focus.ALL),
    "qualification_query": _person(Focus.QUALIFICATION),
    "death_report_query": _person(Focus.DEATH),
    "age_confirmation_query": lambda ctx, clerk, item, today: AgeConfirmationPage(ctx, clerk, item.code, item.name,
                                                                                   today),
    "employer_query": lambda ctx, clerk, item, _today: EmployerQueryPage(ctx, clerk, item.code, item.name),
    "identity_verification": lambda ctx, clerk, item, _today: VerificationPage(ctx, clerk, item.code, item.name),
}


def build_screen(ctx: OpContext, clerk: ClerkInfo, item: ServiceItem, today: date) -> QueryScreen | None:
    """The page for ``item``'s screen, or None when this version of the terminal has none by that name."""
    factory = SCREENS.get(item.screen or "")
    return factory(ctx, clerk, item, today) if factory is not None else None


def unknown_screens(items: Iterable[ServiceItem]) -> list[str]:
    """Screens the catalogue names that neither this table nor the certificates' has (the test keeps this empty)."""
    known = SCREENS.keys() | CERTIFICATE_SCREENS.keys()
    return [item.screen for item in items if item.screen is not None and item.screen not in known]
