"""The place an ID number's first six digits name, from python-stdnum's county table.

GB/T 2260 codes are reassigned as counties merge, split and rename; python-stdnum ships the table
of every code with the years each name was in use (``stdnum/cn/loc.dat``, compiled from the
yearly published lists) and keeps it up to date, so we read it instead of keeping our own.

What counts as possible (and where we differ from ``stdnum.cn.ric``):

- a code that does not exist at all is impossible;
- a code retired *before* the birth year is impossible: a number is assigned at or after birth,
  and a code no longer in use cannot be assigned;
- a code retired *after* the birth year is fine: people keep their number when the county goes;
- a code that came into use only *after* the birth year is accepted (stdnum refuses it). Numbers
  were first handed out in 1984-1985 to people of every age, with the codes of that time (360426
  德安县 dates from 1983, so everyone born in 德安 before 1983 carries a "later" code), and numbers
  were re-issued after moves; refusing such a number would turn real people away at the counter;
- 830000, the code of residence permits for Taiwan residents (港澳台居民居住证, 2018), is not in
  stdnum's table; 810000/820000 are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from stdnum import numdb

#: codes in real use that stdnum's table does not hold: code -> (province, county)
_SUPPLEMENT = {"830000": ("台湾地区", "")}
#: prefecture-level names that say nothing about a place ("市辖区" of a municipality, "省直辖…")
_NO_PREFECTURE = ("市辖区", "县")

Verdict = Literal["in_use", "later", "retired", "unknown_province", "unknown_code"]


@dataclass(frozen=True)
class NameSpan:
    """One name a code carried, and the years (inclusive; None: open) it carried it."""

    name: str
    start: int | None
    end: int | None

    def holds(self, year: int) -> bool:
        return (self.start is None or self.start <= year) and (self.end is None or year <= self.end)


@dataclass(frozen=True)
class BirthPlace:
    """Where a number's holder was registered: province, prefecture and county as of the birth year.

    ``in_use_from`` is set when the code came into use only after the birth year (the name shown is
    then the first one the code carried); ``retired_in`` when it was retired before the birth year.
    """

    code: str
    verdict: Verdict
    province: str = ""
    prefecture: str = ""
    county: str = ""
    in_use_from: int | None = None
    retired_in: int | None = None

    @property
    def possible(self) -> bool:
        return self.verdict in ("in_use", "later")

    @property
    def name(self) -> str:
        """The place as a clerk says it: 江西省九江市德安县; a province-level code gives the province."""
        parts = [self.province]
        for part in (self.prefecture, self.county):
            if part and part not in parts and _names_a_place(part):
                parts.append(part)
        return "".join(parts)


def _names_a_place(name: str) -> bool:
    """False for the placeholder levels 市辖区, 县, 省直辖县级行政单位: they name no place of their own."""
    return name not in _NO_PREFECTURE and "直辖" not in name


def _spans(text: str) -> list[NameSpan]:
    """``"[-1991]东郊区,[1992-]东丽区"`` -> the names with their years; no brackets: always."""
    spans = []
    for part in text.split(","):
        if not part.startswith("["):
            spans.append(NameSpan(part, None, None))
            continue
        years, name = part[1:].split("]", 1)
        start, end = years.split("-")
        spans.append(NameSpan(name, int(start) if start else None, int(end) if end else None))
    return spans


def _lookup(code: str) -> dict[str, str]:
    """stdnum's properties for a code (province, county); empty when it does not know it."""
    return {key: value for _, props in numdb.get("cn/loc").info(code) for key, value in props.items()}


def _name_at(spans: list[NameSpan], year: int) -> NameSpan | None:
    """The name in use in ``year``, else the first one used after it; None when all ended before."""
    for span in spans:
        if span.holds(year):
            return span
    later = [span for span in spans if span.start is not None and span.start > year]
    return min(later, key=lambda span: span.start or 0) if later else None


def province_known(prefix: str) -> bool:
    """Is the 2-digit prefix a province-level code (for partial input: judged once 2 digits are typed)?"""
    return any(code.startswith(prefix) for code in _SUPPLEMENT) or "province" in _lookup(prefix + "0000")


def code_known(code: str) -> bool:
    """Is the 6-digit code one that has ever been in use (at any time)?"""
    return code in _SUPPLEMENT or "county" in _lookup(code)


def birth_place(code: str, year: int) -> BirthPlace:
    """What the 6-digit ``code`` meant for someone born in ``year``, with a verdict on whether it can be.

    Province names are stdnum's; callers that want simplified names for 香港/澳门 (stdnum writes
    them in traditional characters) replace the province afterwards.
    """
    if code in _SUPPLEMENT:
        province, county = _SUPPLEMENT[code]
        return BirthPlace(code, "in_use", province=province, county=county)
    if not province_known(code[:2]):
        return BirthPlace(code, "unknown_province")
    props = _lookup(code)
    province = props.get("province", "")
    if "county" not in props:
        return BirthPlace(code, "unknown_code", province=province)
    spans = _spans(props["county"])
    span = _name_at(spans, year)
    if span is None:
        retired = max(s.end for s in spans if s.end is not None)
        return BirthPlace(code, "retired", province=province, county=spans[-1].name, retired_in=retired)
    prefecture = ""
    if not code.endswith("00"):
        above = _lookup(code[:4] + "00").get("county")
        above_span = _name_at(_spans(above), year) if above else None
        if above_span is not None and _names_a_place(above_span.name):
            prefecture = above_span.name
    later = span.start if span.start is not None and span.start > year else None
    return BirthPlace(code, "later" if later else "in_use", province=province, prefecture=prefecture,
                      county=span.name, in_use_from=later)
