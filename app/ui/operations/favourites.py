"""Named operations on the clerk's own items: mark a favourite, count an opened form as a use.

They change nothing another view shows, so they report no changes; the catalogue redraws from the answer.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from app import usecases
from app.changes import OpChanges
from app.favourites import MyItems, my_items
from app.ui.operations.base import CollectionOp, QueryOp
from app.usecases import ClerkInfo


def set_favourite(*, parent: QWidget | None, clerk: ClerkInfo, item_code: str,
                  favourite: bool) -> CollectionOp[MyItems]:
    return CollectionOp(parent, lambda t: usecases.set_favourite(t, clerk, item_code, favourite),
                        lambda _done: OpChanges())


def record_item_use(*, parent: QWidget | None, clerk: ClerkInfo, item_code: str) -> CollectionOp[MyItems]:
    return CollectionOp(parent, lambda t: usecases.record_item_use(t, clerk, item_code),
                        lambda _done: OpChanges())


def load_my_items(*, parent: QWidget | None, clerk: ClerkInfo,
                  success: Callable[[MyItems], None]) -> QueryOp[MyItems]:
    return QueryOp(parent, lambda t: my_items(t, clerk), success)
