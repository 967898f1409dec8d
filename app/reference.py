"""Reference data as the terminal uses it: forms, yearly figures and the holiday calendar, read once.

Shipped data can be corrected or extended by what the central system sends (cached by the sync
engine in ``<data dir>/reference/<name>.json`` after it validated). Opening a form must be free of
I/O, so definitions and figures are read once and kept until new reference data arrives, when the
composition root calls ``forget``.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any

from app.settings import Settings
from core.errors import ConfigError
from forms.definitions import FormDef, load_form, parse_form
from forms.rules.deadlines import HolidayCalendar, calendar_from_data, load_calendar
from forms.rules.figures import ProvincialFigures, figures_from_data, load_figures
from sync.reference import ReferenceTarget

log = logging.getLogger(__name__)


class ReferenceData:
    """Forms, figures and calendar for one terminal; thread-safe (the window and worker threads read it)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._forms: dict[str, FormDef] = {}
        self._figures: dict[str, ProvincialFigures | None] = {}
        self._lock = threading.Lock()

    def reference_file(self, name: str) -> Path | None:
        """A reference data set the central system sent (forms, holidays, figures-NN), if there is one."""
        path = self._settings.resolved_data_dir() / "reference" / f"{name}.json"
        return path if path.is_file() else None

    def form(self, code: str) -> FormDef:
        """The definition of a form, read and validated once (opening a form is then free of I/O).

        A definition the central system sent wins over the shipped one when its version is not older.
        """
        with self._lock:
            found = self._forms.get(code)
        if found is None:
            found = load_form(code)
            sent = self._sent_form(code)
            if sent is not None and sent.version >= found.version:
                found = sent
            with self._lock:
                self._forms[code] = found
        return found

    def _sent_form(self, code: str) -> FormDef | None:
        path = self.reference_file("forms")
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entry = data.get(code) if isinstance(data, dict) else None
            return None if entry is None else parse_form(json.dumps(entry, ensure_ascii=False), str(path))
        except (OSError, ValueError, ConfigError) as exc:
            log.warning("reference form %s unusable, using the shipped one: %s", code, exc)
            return None

    def calendar(self) -> HolidayCalendar:
        """The holiday calendar: shipped years, corrected or extended by what the central system sent."""
        return load_calendar(self.reference_file("holidays"))

    def forget(self) -> None:
        """New reference data arrived: read forms and figures again when next asked."""
        with self._lock:
            self._forms.clear()
            self._figures.clear()

    def figures(self, province: str | None = None) -> ProvincialFigures | None:
        """The yearly figures of the office's province (or of ``province``, "00" national), read once.

        None when the terminal has no figures for it: the panels then say so instead of estimating.
        """
        code = province or self._settings.province_code
        with self._lock:
            if code in self._figures:
                return self._figures[code]
        try:
            found: ProvincialFigures | None = load_figures(code, self.reference_file(f"figures-{code}"))
        except ConfigError as exc:
            log.warning("no yearly figures for province %s: %s", code, exc.detail)
            found = None
        with self._lock:
            self._figures[code] = found
        return found


def reference_target(settings: Settings) -> ReferenceTarget:
    """The reference data this terminal keeps: all forms, holidays, its province's and the national figures."""
    names = ("forms", "holidays", f"figures-{settings.province_code}", "figures-00")
    return ReferenceTarget(settings.resolved_data_dir() / "reference", names, validate=validate_reference)


def validate_reference(name: str, data: dict[str, Any]) -> None:
    """Refuse reference data the terminal could not use (ConfigError), before it replaces the cached set."""
    if name == "forms":
        for code, entry in data.items():
            form = parse_form(json.dumps(entry, ensure_ascii=False), f"reference forms/{code}")
            if form.code != code:
                raise ConfigError(f"reference form {code!r} declares code {form.code!r}")
    elif name == "holidays":
        calendar_from_data(data)
    elif name.startswith("figures-"):
        figures_from_data(data)
