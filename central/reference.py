"""Reference data the central system publishes: form definitions, holidays, provincial figures.

Files are read on every request, so an operator can edit them while the server runs
and terminals see the change through a new ETag. The ETag is the SHA-256 of the
canonical JSON of the document (not of the file's bytes), so reformatting a file
without changing its content does not make every terminal download it again.

Each file is read through ``core.files`` (a regular file, UTF-8, at most ``FORM_LIMIT`` for one form
definition and ``REFERENCE_LIMIT`` for holidays or figures). A file that cannot be used (not UTF-8, not
JSON, too large, a FIFO) is left out with an error in the log, so one bad file in the operator's
directory neither stops the server nor makes its answers fail: terminals keep what they have for it.
"""

from __future__ import annotations

import json
import logging
import re
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from core.files import FORM_LIMIT, REFERENCE_LIMIT, read_text_bounded
from protocol.canonical import canonical_sha256

log = logging.getLogger(__name__)

#: ``[0-9]``, not ``\d`` (any script's digits), and matched in full (``$`` would let a trailing newline in)
FIGURES_RE = re.compile(r"figures-([0-9]{2})")


def etag_of(document: Any) -> str:
    """The quoted ETag of a JSON document."""
    return f'"{canonical_sha256(document)}"'


class ReferenceSource:
    """Where the reference documents come from: ``directory`` or the terminal's own resources.

    ``directory`` holds ``forms/*.json``, ``holidays.json`` and ``figures/<code>.json``;
    without one, the files shipped in the ``resources`` package are served.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory

    def _forms_dir(self) -> Traversable:
        if self._directory is not None:
            return self._directory / "forms"
        return files("resources") / "forms"

    def _holidays(self) -> Traversable:
        if self._directory is not None:
            return self._directory / "holidays.json"
        return files("resources") / "rules" / "holidays_cn.json"

    def _figures_dir(self) -> Traversable:
        if self._directory is not None:
            return self._directory / "figures"
        return files("resources") / "rules" / "figures"

    def names(self) -> list[str]:
        """The names of the documents that exist now, sorted."""
        names = []
        if self._forms_dir().is_dir():
            names.append("forms")
        if self._holidays().is_file():
            names.append("holidays")
        figures = self._figures_dir()
        if figures.is_dir():
            names += [f"figures-{entry.name[:-5]}" for entry in figures.iterdir()
                      if entry.is_file() and re.fullmatch(r"[0-9]{2}\.json", entry.name)]
        return sorted(names)

    def document(self, name: str) -> Any | None:
        """The JSON document called ``name``, or None if there is none."""
        if name == "forms":
            directory = self._forms_dir()
            if not directory.is_dir():
                return None
            forms: dict[str, Any] = {}
            for entry in sorted(directory.iterdir(), key=lambda e: e.name):
                if entry.is_file() and entry.name.endswith(".json"):
                    definition = _load(entry, FORM_LIMIT)
                    if definition is None:
                        continue
                    code = definition.get("code") if isinstance(definition, dict) else None
                    forms[code if isinstance(code, str) and code else entry.name[:-5]] = definition
            return forms
        if name == "holidays":
            return _read(self._holidays())
        match = FIGURES_RE.fullmatch(name)
        if match:
            return _read(self._figures_dir() / f"{match.group(1)}.json")
        return None

    def index(self) -> dict[str, str]:
        """Every document's name and current ETag."""
        items = {}
        for name in self.names():
            document = self.document(name)
            if document is not None:
                items[name] = etag_of(document)
        return items


def _read(entry: Traversable) -> Any | None:
    if not entry.is_file():
        return None
    return _load(entry, REFERENCE_LIMIT)


def _load(entry: Traversable, limit: int) -> Any | None:
    """The JSON document in ``entry``, or None (logged) when the file cannot be used."""
    try:
        return json.loads(read_text_bounded(entry, limit, "参考数据文件"))
    except (ConfigError, ValueError, RecursionError) as exc:
        log.error("reference file %s left out: %s", entry, exc)
        return None
