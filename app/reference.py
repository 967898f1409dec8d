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
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from app.settings import Settings, signing_key_bytes
from core.errors import ConfigError
from core.files import REFERENCE_LIMIT, read_text_bounded
from forms.definitions import FormDef, load_form, parse_form, weakenings
from forms.rules.deadlines import HolidayCalendar, calendar_from_data, load_calendar
from forms.rules.figures import ProvincialFigures, figures_from_data, load_figures
from local_db.audit import AuditTrail
from sync.reference import Judgement, ReferenceTarget

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

        A definition the central system sent wins over the shipped one when its version is newer, or
        when it is the same version with the same content (``in_force``).
        """
        with self._lock:
            found = self._forms.get(code)
        if found is None:
            found = in_force(load_form(code), self._sent_form(code))
            with self._lock:
                self._forms[code] = found
        return found

    def _sent_form(self, code: str) -> FormDef | None:
        path = self.reference_file("forms")
        if path is None:
            return None
        try:
            data = json.loads(read_text_bounded(path, REFERENCE_LIMIT, "参考数据文件"))
            entry = data.get(code) if isinstance(data, dict) else None
            return None if entry is None else parse_form(json.dumps(entry, ensure_ascii=False), str(path))
        except (OSError, ValueError, RecursionError, ConfigError) as exc:
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


def in_force(shipped: FormDef | None, sent: FormDef | None) -> FormDef:
    """Which of the shipped and the sent definition of a form is in force.

    The sent one when it is newer; at the same version only when it says the same (a definition changed
    without a new version is refused, issue 16); the shipped one when it is newer (a software update).
    """
    if sent is None:
        assert shipped is not None
        return shipped
    if shipped is None or sent.version > shipped.version:
        return sent
    if sent.version == shipped.version and sent != shipped:
        log.warning("reference form %s v%d differs from the shipped one at the same version: not used",
                    sent.code, sent.version)
    return shipped


def reference_target(settings: Settings, audit: AuditTrail | None = None,
                     after_update: Callable[[tuple[str, ...]], None] | None = None,
                     clock: Callable[[], datetime] | None = None) -> ReferenceTarget:
    """The reference data this terminal keeps (all forms, holidays, its province's and the national
    figures), verified under the enrolled signing key and recorded in ``audit``; ``after_update`` derives
    what depends on them (the sync engine's target: due dates counted again when holidays arrive); ``clock``
    the time a completed check is recorded with (default now)."""
    names = ("forms", "holidays", f"figures-{settings.province_code}", "figures-00")
    key = signing_key_bytes(settings.central_signing_key) if settings.central_signing_key else None
    target = ReferenceTarget(settings.resolved_data_dir() / "reference", names, validate=validate_reference,
                             signing_key=key, judge=judge_reference, audit=audit, after_update=after_update)
    if clock is not None:
        target.clock = clock
    return target


def judge_reference(name: str, current: dict[str, Any] | None, new: dict[str, Any]) -> Judgement:
    """What a verified forms set may change (other sets take effect whole once valid and verified).

    Each form is compared with the one in force (the cached one or the shipped one, ``in_force``): an
    older version, or the same version with other content, refuses the whole set; a newer one that
    gives up a safeguard (``forms.definitions.weakenings``) is held back for an administrator while the
    old one stays in force; forms the set no longer lists keep the one in force.
    """
    if name != "forms":
        return Judgement(new)
    cached = dict(current or {})
    result: dict[str, Any] = dict(cached)
    pending: dict[str, list[str]] = {}
    for code, entry in sorted(new.items()):
        sent = parse_form(json.dumps(entry, ensure_ascii=False), f"reference forms/{code}")
        old = _form_in_force(code, cached.get(code))
        if old is None:
            result[code] = entry
        elif sent.version < old.version:
            return Judgement(cached, refused=f"表单“{old.name}”（{code}）版本 {sent.version} 低于本机在用的版本 "
                                             f"{old.version}")
        elif sent.version == old.version:
            if sent != old:
                return Judgement(cached, refused=f"表单“{old.name}”（{code}）版本 {sent.version} 未变但内容被改动，"
                                                 "整批参考数据不予采用")
            result[code] = entry
        elif weakened := weakenings(old, sent):
            pending[code] = weakened
        else:
            result[code] = entry
    return Judgement(result, pending)


def _form_in_force(code: str, cached: Any) -> FormDef | None:
    """The definition of ``code`` in force now (None for a form this terminal has never had)."""
    try:
        shipped: FormDef | None = load_form(code)
    except ConfigError:
        shipped = None
    sent = None
    if cached is not None:
        try:
            sent = parse_form(json.dumps(cached, ensure_ascii=False), f"cached forms/{code}")
        except ConfigError:
            sent = None
    return None if shipped is None and sent is None else in_force(shipped, sent)


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
