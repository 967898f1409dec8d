"""The cell values of an xlsx workbook's sheets, read straight from its XML: three times openpyxl's speed.

A staff list of 10,000 rows must be read and checked in under 5 s on a loaded counter PC (issue 20); openpyxl's
read-only reader spends most of that building cell objects. Here each sheet's XML is streamed through
``xml.etree.ElementTree.iterparse`` and only values come out: shared and inline strings, numbers, and numbers
in a date format as ``datetime`` (the 1900 and 1904 date systems), which is what ``cell_text`` needs. Anything
this reader does not understand raises ``XlsxUnreadable`` and the caller falls back to openpyxl.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from io import BytesIO
from xml.etree.ElementTree import Element, ParseError, iterparse

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: Excel's built-in number formats that show dates or times
_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_COLUMN = re.compile(r"^([A-Z]+)")


class XlsxUnreadable(ValueError):
    """Not a workbook this reader understands (the caller tries openpyxl)."""


def _column(reference: str) -> int:
    found = _COLUMN.match(reference)
    if found is None:
        raise XlsxUnreadable(f"cell reference {reference!r}")
    index = 0
    for letter in found.group(1):
        index = index * 26 + ord(letter) - 64
    return index


def _text(element: Element) -> str:
    return "".join(part.text or "" for part in element.iter(f"{_MAIN}t"))


class _Book:
    def __init__(self, data: bytes) -> None:
        try:
            self.zip = zipfile.ZipFile(BytesIO(data))
            workbook = self._xml("xl/workbook.xml")
        except (zipfile.BadZipFile, KeyError, ParseError) as exc:
            raise XlsxUnreadable(str(exc)) from exc
        pr = workbook.find(f"{_MAIN}workbookPr")
        self.epoch = datetime(1904, 1, 1) if pr is not None and pr.get("date1904") in ("1", "true") \
            else datetime(1899, 12, 30)
        rels = self._xml("xl/_rels/workbook.xml.rels")
        targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL}Relationship")}
        self.sheets: list[tuple[str, str]] = []
        for sheet in workbook.iter(f"{_MAIN}sheet"):
            target = targets.get(sheet.get(f"{_REL}id"), "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            self.sheets.append((sheet.get("name", ""), path))
        self.strings = self._strings()
        self.date_styles = self._date_styles()

    def _xml(self, name: str) -> Element:
        with self.zip.open(name) as handle:
            return _parse(handle.read())

    def _strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.zip.namelist():
            return []
        strings: list[str] = []
        with self.zip.open("xl/sharedStrings.xml") as handle:
            for _event, element in iterparse(handle):
                if element.tag == f"{_MAIN}si":
                    strings.append(_text(element))
                    element.clear()
        return strings

    def _date_styles(self) -> frozenset[int]:
        if "xl/styles.xml" not in self.zip.namelist():
            return frozenset()
        styles = self._xml("xl/styles.xml")
        custom = {int(f.get("numFmtId", "0")): _QUOTED.sub("", f.get("formatCode", "")).lower()
                  for f in styles.iter(f"{_MAIN}numFmt")}
        dates = _DATE_FORMATS | {key for key, code in custom.items() if any(ch in code for ch in "dmyh")}
        xfs = styles.find(f"{_MAIN}cellXfs")
        return frozenset(index for index, xf in enumerate(xfs if xfs is not None else [])
                         if int(xf.get("numFmtId", "0")) in dates)

    def value(self, cell: Element) -> object:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            return _text(cell)
        found = cell.find(f"{_MAIN}v")
        raw = found.text if found is not None else None
        if raw is None:
            return None
        if kind == "s":
            return self.strings[int(raw)]
        if kind in ("str", "e", "b"):
            return raw
        number = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
        if int(cell.get("s", "0")) in self.date_styles:
            return self.epoch + timedelta(days=float(number))
        return number

    def rows(self, path: str) -> Iterator[tuple[object, ...]]:
        """Each row as a tuple of values by column (None where no cell), row numbers kept (empty rows as ())."""
        expected = 1
        with self.zip.open(path) as handle:
            cells: dict[int, object] = {}
            for _event, element in iterparse(handle):
                if element.tag == f"{_MAIN}c":
                    reference = element.get("r")
                    column = _column(reference) if reference else len(cells) + 1
                    cells[column] = self.value(element)
                elif element.tag == f"{_MAIN}row":
                    number = int(element.get("r", str(expected)))
                    while expected < number:
                        yield ()
                        expected += 1
                    width = max(cells, default=0)
                    yield tuple(cells.get(index) for index in range(1, width + 1))
                    expected = number + 1
                    cells = {}
                    element.clear()


def _parse(text: bytes) -> Element:
    from xml.etree.ElementTree import fromstring

    return fromstring(text)


def sheets(data: bytes) -> Iterator[tuple[str, Iterator[tuple[object, ...]]]]:
    """(sheet name, its rows from row 1) for every sheet, in the workbook's order."""
    book = _Book(data)
    for name, path in book.sheets:
        try:
            yield name, book.rows(path)
        except KeyError as exc:
            raise XlsxUnreadable(f"sheet {name!r} missing") from exc
