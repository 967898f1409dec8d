"""我的收藏 and 最近使用 per clerk (issue 18, item 4): stored per clerk, shown at the top of the catalogue,
toggled from the catalogue; the catalogue folds while a form is open and Ctrl+K brings it back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from app.favourites import RECENT_COUNT, my_items
from app.permissions import PermissionDenied
from app.ui.catalogue_panel import FOLDED_WIDTH, OPEN_WIDTH
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.usecases import record_item_use, set_favourite
from forms.catalogue import load_catalogue
from local_db.clerks import ClerkInfo, Role, add_clerk

from .conftest import CLERK

T0 = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)
CODES = [i.code for i in load_catalogue()]
WITH_FORMS = [i for i in load_catalogue() if i.form_code is not None]


def second_clerk(terminal) -> ClerkInfo:  # type: ignore[no-untyped-def]
    return add_clerk(terminal.db, "1002", "另一柜员", "another-pass", roles=frozenset({Role.FRONT_DESK}))


def test_favourites_are_kept_and_removed(make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    set_favourite(terminal, CLERK, CODES[0], True)
    mine = set_favourite(terminal, CLERK, CODES[1], True)
    assert set(mine.favourites) == {CODES[0], CODES[1]}
    mine = set_favourite(terminal, CLERK, CODES[0], False)
    assert mine.favourites == (CODES[1],)
    assert my_items(terminal, CLERK).favourites == (CODES[1],)


def test_recent_items_are_the_last_used_first_and_at_most_five(make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    used = CODES[:RECENT_COUNT + 2]
    for minute, code in enumerate(used):
        record_item_use(terminal, CLERK, code, at=T0 + timedelta(minutes=minute))
    mine = record_item_use(terminal, CLERK, used[0], at=T0 + timedelta(hours=1))  # used again: back on top

    assert len(mine.recent) == RECENT_COUNT
    assert mine.recent == (used[0], *reversed(used[-(RECENT_COUNT - 1):]))


def test_a_favourite_keeps_its_uses(make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    record_item_use(terminal, CLERK, CODES[2], at=T0)
    mine = set_favourite(terminal, CLERK, CODES[2], True)
    assert mine.favourites == (CODES[2],) and mine.recent == (CODES[2],)


def test_each_clerk_sees_only_their_own_items(make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    other = second_clerk(terminal)
    set_favourite(terminal, CLERK, CODES[0], True)
    record_item_use(terminal, CLERK, CODES[1], at=T0)
    set_favourite(terminal, other, CODES[3], True)

    assert my_items(terminal, other).favourites == (CODES[3],) and my_items(terminal, other).recent == ()
    assert my_items(terminal, CLERK).favourites == (CODES[0],) and my_items(terminal, CLERK).recent == (CODES[1],)


def test_a_clerk_who_takes_no_applications_has_no_catalogue_items(make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    reviewer = add_clerk(terminal.db, "1003", "复核员", "reviewer-pass", roles=frozenset({Role.REVIEW}))
    with pytest.raises(PermissionDenied):
        set_favourite(terminal, reviewer, CODES[0], True)
    with pytest.raises(PermissionDenied):
        my_items(terminal, reviewer)


# -- the catalogue in the window -------------------------------------------------------------------
def open_window(qtbot: QtBot, terminal, clerk: ClerkInfo = CLERK) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(terminal, clerk, OpRunner())
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.ops.pending() == 0)
    return window


def settle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.ops.pending() == 0)


def test_opening_a_form_lists_it_under_recently_used(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9"))
    assert window.catalogue.section_items("最近使用") == []
    window.open_item(WITH_FORMS[0])
    settle(qtbot, window)
    window.open_item(WITH_FORMS[1])
    settle(qtbot, window)

    assert window.catalogue.section_items("最近使用")[:2] == [WITH_FORMS[1].code, WITH_FORMS[0].code]


def test_the_star_button_makes_the_selected_item_a_favourite(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    window = open_window(qtbot, terminal)
    panel = window.catalogue
    item = WITH_FORMS[2]
    row = next(r for r in range(panel.list.count())
               if panel.list.item(r).data(Qt.ItemDataRole.UserRole) == item)
    panel.list.setCurrentRow(row)
    assert panel.star_button.text().startswith("★ 收藏")

    qtbot.mouseClick(panel.star_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)

    assert panel.section_items("我的收藏") == [item.code]
    assert my_items(terminal, CLERK).favourites == (item.code,)
    assert panel.star_button.text().startswith("☆ 取消收藏")  # the same item is still selected

    qtbot.mouseClick(panel.star_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert panel.section_items("我的收藏") == []


def test_ctrl_d_toggles_the_favourite_of_the_selected_item(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    window = open_window(qtbot, terminal)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    panel = window.catalogue
    row = next(r for r in range(panel.list.count())
               if panel.list.item(r).data(Qt.ItemDataRole.UserRole) == WITH_FORMS[0])
    panel.list.setCurrentRow(row)
    panel.list.setFocus()

    qtbot.keyClick(panel.list, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)

    assert my_items(terminal, CLERK).favourites == (WITH_FORMS[0].code,)


def test_another_clerk_sees_their_own_favourites(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    other = second_clerk(terminal)
    set_favourite(terminal, CLERK, CODES[0], True)
    set_favourite(terminal, other, CODES[4], True)
    record_item_use(terminal, other, CODES[5], at=T0)

    window = open_window(qtbot, terminal, other)

    assert window.catalogue.section_items("我的收藏") == [CODES[4]]
    assert window.catalogue.section_items("最近使用") == [CODES[5]]


def test_search_still_filters_the_whole_catalogue(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    retirement = next(i for i in load_catalogue() if i.code == "retirement_approval")
    set_favourite(terminal, CLERK, "personal_registration", True)
    window = open_window(qtbot, terminal)

    window.catalogue.search_edit.setText("退休")

    shown = window.catalogue.visible_items()
    assert retirement in shown
    assert all(i.code != "personal_registration" for i in shown)
    assert all(("退休" in i.name) or any("退休" in k for k in i.keywords) for i in shown)
    assert window.catalogue.section_items("我的收藏") == []  # no sections while searching


def test_the_catalogue_folds_while_a_form_is_open(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9"))
    panel = window.catalogue
    assert not panel.folded and panel.width() == OPEN_WIDTH

    window.open_item(WITH_FORMS[0])
    settle(qtbot, window)

    assert panel.folded and panel.width() == FOLDED_WIDTH
    assert panel.strip_button.isVisible() and not panel.list.isVisible()
    page = window.form_page
    assert page is not None and page.width() > 1366 - OPEN_WIDTH  # the form has the room

    window.go_home()
    assert not panel.folded and panel.list.isVisible()


def test_the_strip_button_brings_the_catalogue_back(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9"))
    window.open_item(WITH_FORMS[0])
    settle(qtbot, window)

    qtbot.mouseClick(window.catalogue.strip_button, Qt.MouseButton.LeftButton)

    assert not window.catalogue.folded and window.catalogue.list.isVisible()
    assert window.stack.currentWidget() is window.form_page  # the form stays open


def test_ctrl_k_unfolds_the_catalogue_and_focuses_the_search(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9"))
    window.open_item(WITH_FORMS[0])
    settle(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page = window.form_page
    assert page is not None and window.catalogue.folded

    qtbot.keyClick(page.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)

    assert not window.catalogue.folded
    qtbot.waitUntil(window.catalogue.search_edit.hasFocus)


def test_choosing_an_item_from_the_reopened_catalogue_folds_it_again(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9"))
    window.open_item(WITH_FORMS[0])
    settle(qtbot, window)
    window.catalogue.reveal()
    window.catalogue.search_edit.setText(WITH_FORMS[1].name)

    qtbot.keyClick(window.catalogue.search_edit, Qt.Key.Key_Return)
    settle(qtbot, window)

    assert window.form_page is not None and window.form_page.item == WITH_FORMS[1]
    assert window.catalogue.folded


def test_escape_in_the_search_folds_the_catalogue_back_over_the_form(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9"))
    window.open_item(WITH_FORMS[0])
    settle(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.catalogue.reveal()
    qtbot.waitUntil(window.catalogue.search_edit.hasFocus)
    qtbot.keyClicks(window.catalogue.search_edit, "tx")

    qtbot.keyClick(window.catalogue.search_edit, Qt.Key.Key_Escape)

    assert window.catalogue.folded and window.catalogue.search_edit.text() == ""
    assert window.stack.currentWidget() is window.form_page


def test_the_context_menu_adds_and_removes_a_favourite(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    window = open_window(qtbot, terminal)
    panel = window.catalogue
    item = WITH_FORMS[1]

    def menu_action(text: str) -> None:
        row = next(r for r in range(panel.list.count())
                   if panel.list.item(r).data(Qt.ItemDataRole.UserRole) == item)
        panel._context_menu(panel.list.visualItemRect(panel.list.item(row)).center())
        menu = panel.findChildren(QMenu)[-1]
        action = next(a for a in menu.actions() if a.text() == text)
        action.trigger()
        menu.close()
        settle(qtbot, window)

    menu_action("加入我的收藏")
    assert my_items(terminal, CLERK).favourites == (item.code,)
    menu_action("取消收藏")
    assert my_items(terminal, CLERK).favourites == ()
