"""The 好差评 panel on the applicant's screen: five levels best first, reasons for the two lowest."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.ui.rating_panel import RatingPanel
from protocol.ratings import LEVEL_LABELS, LOW_REASONS


def make_panel(qtbot: QtBot) -> tuple[RatingPanel, list[tuple[int, list[str]]], list[str]]:
    panel = RatingPanel("您的业务已受理")
    qtbot.addWidget(panel)
    panel.show()
    rated: list[tuple[int, list[str]]] = []
    events: list[str] = []
    panel.rated.connect(lambda level, reasons: rated.append((level, list(reasons))))
    panel.skipped.connect(lambda: events.append("skipped"))
    panel.finished.connect(lambda: events.append("finished"))
    return panel, rated, events


def click(qtbot: QtBot, panel: RatingPanel, name: str) -> None:
    button = next(b for b in [*panel.level_buttons.values(), *panel.reason_buttons.values(), panel.submit_button,
                              panel.skip_button] if b.objectName() == name)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_five_levels_are_shown_best_first_in_the_shared_words(qtbot: QtBot) -> None:
    panel, _rated, _events = make_panel(qtbot)
    assert [b.text() for b in panel.level_buttons.values()] == list(LEVEL_LABELS.values())
    assert list(panel.level_buttons) == [5, 4, 3, 2, 1]
    assert not panel.reasons_box.isVisible()


def test_a_good_level_is_one_touch_with_no_reasons(qtbot: QtBot) -> None:
    panel, rated, events = make_panel(qtbot)
    click(qtbot, panel, "rate_4")
    assert rated == [(4, [])]
    assert panel.thanks.isVisible() and events == []  # thanked first, finished after the thanks
    panel.timer.timeout.emit()
    assert events == ["finished"]


def test_a_low_level_needs_at_least_one_reason(qtbot: QtBot) -> None:
    panel, rated, _events = make_panel(qtbot)
    click(qtbot, panel, "rate_2")
    assert panel.reasons_box.isVisible() and rated == []
    assert [b.text() for b in panel.reason_buttons.values()] == list(LOW_REASONS.values())
    assert not panel.submit_button.isEnabled()
    panel.submit()  # refused while no reason is checked
    assert rated == []
    click(qtbot, panel, "reason_slow")
    click(qtbot, panel, "reason_repeat")
    assert panel.submit_button.isEnabled()
    click(qtbot, panel, "submitRating")
    assert rated == [(2, ["slow", "repeat"])]


def test_unchecking_the_last_reason_disables_submit_again(qtbot: QtBot) -> None:
    panel, _rated, _events = make_panel(qtbot)
    click(qtbot, panel, "rate_1")
    click(qtbot, panel, "reason_attitude")
    assert panel.submit_button.isEnabled()
    click(qtbot, panel, "reason_attitude")
    assert not panel.submit_button.isEnabled()


def test_changing_from_a_low_to_a_good_level_rates_without_reasons(qtbot: QtBot) -> None:
    panel, rated, _events = make_panel(qtbot)
    click(qtbot, panel, "rate_1")
    click(qtbot, panel, "reason_other")
    click(qtbot, panel, "rate_5")
    assert rated == [(5, [])]


def test_skip_leaves_no_rating(qtbot: QtBot) -> None:
    panel, rated, events = make_panel(qtbot)
    click(qtbot, panel, "skipRating")
    assert rated == [] and events == ["skipped", "finished"]


def test_walking_away_finishes_without_a_rating(qtbot: QtBot) -> None:
    panel, rated, events = make_panel(qtbot)
    click(qtbot, panel, "rate_2")  # started, then left
    panel.timer.timeout.emit()
    assert rated == [] and events == ["finished"]
    click(qtbot, panel, "rate_5")  # too late: the panel is done
    assert rated == []


def test_the_timeout_is_injectable_and_restarts_on_each_touch(qtbot: QtBot) -> None:
    panel = RatingPanel(timeout_ms=12_345, thanks_ms=678)
    qtbot.addWidget(panel)
    assert panel.timer.isActive() and panel.timer.interval() == 12_345
    panel.choose(1)
    assert panel.timer.interval() == 12_345 and panel.timer.isActive()
    panel.reason_buttons["slow"].setChecked(True)
    panel.submit()
    assert panel.timer.interval() == 678
