"""The service-item catalogue (服务事项) the clerk picks from.

Clerks find an item by typing part of its name, a word people use for it (退休, 丧葬) or the
pinyin initials of its name (grcbdj), the way the province's acceptance platform works. The list
itself is data in ``resources/service_items.json`` because items come and go with policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.errors import ConfigError
from forms.refdata import read_json


@dataclass(frozen=True)
class ServiceItem:
    """One thing a citizen or employer can ask for at the window."""

    code: str
    name: str
    category: str
    keywords: tuple[str, ...]
    initials: str
    form_code: str | None
    time_limit_working_days: int | None
    time_limit_basis: str | None
    hot: bool
    #: an item that opens a screen rather than a form (a query, a certificate, an employer's batch): the
    #: screen's name in the window's screen table (``app/ui/screens.py``); None for a form item
    screen: str | None = None


class _ItemModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1)
    category: str = Field(min_length=1)
    keywords: list[str] = []
    initials: str = Field(pattern=r"^[a-z]+$")
    form_code: str | None = Field(default=None, pattern=r"^[a-z0-9_]+$")
    time_limit_working_days: int | None = Field(default=None, ge=1)
    time_limit_basis: str | None = None
    hot: bool = False
    screen: str | None = Field(default=None, pattern=r"^[a-z0-9_]+$")

    @model_validator(mode="after")
    def _form_or_screen(self) -> Self:
        # every tile opens something that works: a form to fill in, or a screen (issue 20: no grey placeholder)
        if (self.form_code is None) == (self.screen is None):
            raise ValueError(f"item {self.code!r}: give exactly one of form_code and screen")
        return self

    @model_validator(mode="after")
    def _limit_has_basis(self) -> Self:
        # a due date printed on a receipt must be traceable to the article that sets it; a basis
        # alone says why an item has no day count (e.g. Art. 19: "及时")
        if self.time_limit_working_days is not None and not self.time_limit_basis:
            raise ValueError(f"item {self.code!r}: a time limit needs its legal basis")
        return self


class _CatalogueModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    items: list[_ItemModel]

    @model_validator(mode="after")
    def _unique_codes(self) -> Self:
        codes = [item.code for item in self.items]
        if len(codes) != len(set(codes)):
            raise ValueError("duplicate service item codes")
        return self


def load_catalogue() -> list[ServiceItem]:
    """All service items in catalogue order; ``ConfigError`` when the file is missing or invalid."""
    data = read_json("service_items.json")
    try:
        catalogue = _CatalogueModel.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ConfigError(f"resources/service_items.json: {exc}",
                          user_message="服务事项目录文件有误：resources/service_items.json") from exc
    return [
        ServiceItem(
            code=item.code,
            name=item.name,
            category=item.category,
            keywords=tuple(item.keywords),
            initials=item.initials,
            form_code=item.form_code,
            time_limit_working_days=item.time_limit_working_days,
            time_limit_basis=item.time_limit_basis,
            hot=item.hot,
            screen=item.screen,
        )
        for item in catalogue.items
    ]


def _rank(item: ServiceItem, query: str) -> int | None:
    """0 name starts with, 1 name contains, 2 initials contain, 3 a keyword contains; None: no match."""
    name = item.name.lower()
    if name.startswith(query):
        return 0
    if query in name:
        return 1
    if query in item.initials:
        return 2
    if any(query in keyword.lower() for keyword in item.keywords):
        return 3
    return None


def search(items: Sequence[ServiceItem], query: str) -> list[ServiceItem]:
    """Items matching ``query``, best matches first; within a rank hot items, then catalogue order.

    An empty query returns everything, so the list is never blank before the clerk types.
    """
    needle = query.strip().lower()
    if not needle:
        return list(items)
    ranked = [(rank, not item.hot, index, item) for index, item in enumerate(items)
              if (rank := _rank(item, needle)) is not None]
    ranked.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in ranked]
