"""我的收藏 and 最近使用: a clerk marks an item as a favourite, and each form opened counts as a use.

Both answer with the clerk's items as they now stand, so the catalogue redraws from the answer
without a second read.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.favourites import MyItems, my_items
from app.permissions import Permission, require
from app.terminal import Terminal
from local_db import clerk_items
from local_db.clerks import ClerkInfo


def set_favourite(terminal: Terminal, clerk: ClerkInfo, item_code: str, favourite: bool) -> MyItems:
    """Add the item to (or take it off) the clerk's 我的收藏."""
    require(clerk, Permission.SUBMIT)
    clerk_items.set_favourite(terminal.db, clerk.id, item_code, favourite)
    return my_items(terminal, clerk)


def record_item_use(terminal: Terminal, clerk: ClerkInfo, item_code: str, *,
                    at: datetime | None = None) -> MyItems:
    """The clerk opened the item's form (``at``: when, UTC; now unless a test says otherwise)."""
    require(clerk, Permission.SUBMIT)
    clerk_items.record_use(terminal.db, clerk.id, item_code, at or datetime.now(UTC))
    return my_items(terminal, clerk)
