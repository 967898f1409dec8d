"""What the catalogue shows first for the signed-in clerk: 我的收藏 and the last items they opened.

A read module (no Qt): the catalogue panel gets a ``MyItems`` value through a background query and
never reads the database. Only clerks who take applications have a catalogue, so only they may read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.permissions import Permission, require
from app.terminal import Terminal
from local_db.clerk_items import clerk_items
from local_db.clerks import ClerkInfo

#: how many recently used items the catalogue lists above the whole catalogue
RECENT_COUNT = 5


@dataclass(frozen=True)
class MyItems:
    """Item codes: favourites in the order they were last used, and the last ``RECENT_COUNT`` used."""

    favourites: tuple[str, ...] = ()
    recent: tuple[str, ...] = ()


def my_items(terminal: Terminal, clerk: ClerkInfo, *, recent: int = RECENT_COUNT) -> MyItems:
    """The clerk's own favourites and recently used items (another clerk's are never mixed in)."""
    require(clerk, Permission.SUBMIT)
    rows = clerk_items(terminal.db, clerk.id)  # most recently used first
    return MyItems(favourites=tuple(r.item_code for r in rows if r.favourite),
                   recent=tuple(r.item_code for r in rows if r.last_used_at is not None)[:recent])
