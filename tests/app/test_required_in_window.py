"""Issue 18, item 7, in the real window: a field the situation makes necessary gets its star, the submit
button stays disabled and the line under it names the field; a woman employee is asked for her post and
the rule panel says plainly that it cannot give her age before; the agent is named in full, and is not
the applicant. Then the submit use case (the same validation) refuses or accepts, and the receipt names
the agent by the masked number.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from app import usecases
from app.terminal import Terminal
from app.ui.form_view import FormView
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.pages import FormPage
from forms.definitions import load_form
from forms.idnumber import check_character
from forms.validate import AGENT_IS_APPLICANT
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .samples import ID_NUMBER, REGISTRATION, RETIREMENT, WAIVER
from .test_acceptance import open_form
from .test_e2e_registration import choose, type_text

STAR = "*</span>"
AGENT_ID = "61020319900708242" + check_character("61020319900708242")
#: a woman born 1976-03-15 (17th digit even)
WOMAN_ID = "61020219760315124" + check_character("61020219760315124")


def form_page(qtbot: QtBot, make_terminal: Callable[..., Terminal], code: str) -> FormPage:
    terminal = make_terminal("http://127.0.0.1:9")
    window = MainWindow(terminal, CLERK, OpRunner())
    qtbot.addWidget(window)
    window.show()
    open_form(qtbot, window, code)
    assert window.form_page is not None
    return window.form_page


def fill(qtbot: QtBot, view: FormView, values: dict[str, str]) -> None:
    for key, value in values.items():
        widget = view.widget(key)
        if isinstance(widget, QComboBox):
            choose(widget, value)
        elif isinstance(widget, QLineEdit) and widget.isEnabled():
            widget.clear()
            type_text(qtbot, widget, value)


def starred(view: FormView, key: str) -> bool:
    return view._conditional_labels[key].text().endswith(STAR)


def error_text(view: FormView, key: str) -> str:
    label = view.findChild(QLabel, f"error_{key}")
    assert label is not None
    return label.text() if label.isVisible() else ""


def test_window_requires_the_employer_code_of_an_employee(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    page = form_page(qtbot, make_terminal, "personal_registration")
    view = page.view
    fill(qtbot, view, {k: v for k, v in REGISTRATION.items() if k not in ("employer_code", "insured_category")})
    choose(view.widget("insured_category"), "flexible")  # type: ignore[arg-type]
    assert not starred(view, "employer_code") and not starred(view, "contribution_base")  # chosen when paying
    choose(view.widget("insured_category"), "employee")  # type: ignore[arg-type]
    assert starred(view, "employer_code") and not starred(view, "contribution_base")
    assert not view.is_valid() and not page.submit_button.isEnabled()
    assert "还需填写：单位编号" in page.submit_hint.text()
    # the clerk starts typing and clears it again: the field itself says what is missing
    type_text(qtbot, view.widget("employer_code"), "6")  # type: ignore[arg-type]
    view.widget("employer_code").clear()  # type: ignore[union-attr]
    assert "请填写单位编号" in error_text(view, "employer_code")
    type_text(qtbot, view.widget("employer_code"), "61020200001")  # type: ignore[arg-type]
    qtbot.waitUntil(view.is_valid, timeout=5000)
    assert "单位编号" not in page.submit_hint.text()


def test_submit_use_case_refuses_an_employee_without_employer_code(make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    form = load_form("personal_registration")
    with pytest.raises(usecases.FormInvalid) as caught:
        usecases.submit_application(terminal, usecases.SubmitRequest(
            CLERK, form, REGISTRATION | {"employer_code": ""}, waivers={"identity_document": WAIVER},
                signature=SIGNATURE))
    assert caught.value.problems == {"employer_code": "请填写单位编号"}


def test_window_requires_the_whole_agent_once_one_agent_field_is_filled(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    page = form_page(qtbot, make_terminal, "personal_registration")
    view = page.view
    fill(qtbot, view, REGISTRATION)
    qtbot.waitUntil(view.is_valid, timeout=5000)
    assert not any(starred(view, k) for k in ("agent_name", "agent_id_number", "agent_relation"))
    type_text(qtbot, view.widget("agent_phone"), "13709190627")  # type: ignore[arg-type]
    assert all(starred(view, k) for k in ("agent_name", "agent_id_number", "agent_relation"))
    page.window().resize(1366, 768)  # a township laptop: two columns with the labels at their narrowest
    qtbot.waitUntil(lambda: view.columns() == 2, timeout=5000)
    for key in ("agent_name", "agent_id_number", "agent_relation"):  # the star is seen, not cut off by the column
        label = view._conditional_labels[key]
        assert label.wordWrap() or label.width() >= label.sizeHint().width(), key
    assert not view.is_valid() and not page.submit_button.isEnabled()
    assert "还需填写：代办人姓名、代办人公民身份号码、与申请人关系" in page.submit_hint.text()
    type_text(qtbot, view.widget("agent_name"), "王小梅")  # type: ignore[arg-type]
    choose(view.widget("agent_relation"), "child")  # type: ignore[arg-type]
    # the applicant's own number as the agent's: refused at the agent's field, in plain Chinese
    type_text(qtbot, view.widget("agent_id_number"), ID_NUMBER)  # type: ignore[arg-type]
    assert error_text(view, "agent_id_number") == AGENT_IS_APPLICANT
    assert "代办人公民身份号码" in page.submit_hint.text() and not page.submit_button.isEnabled()
    view.widget("agent_id_number").clear()  # type: ignore[union-attr]
    type_text(qtbot, view.widget("agent_id_number"), AGENT_ID)  # type: ignore[arg-type]
    qtbot.waitUntil(view.is_valid, timeout=5000)
    assert "还需填写" not in page.submit_hint.text()


def test_submit_use_case_refuses_the_applicant_as_agent_and_prints_a_real_agent(make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    form = load_form("personal_registration")
    agent = {"agent_name": "王小梅", "agent_relation": "child"}
    waivers = {"identity_document": WAIVER, "authorisation": WAIVER, "agent_identity_document": WAIVER}
    with pytest.raises(usecases.FormInvalid) as caught:
        usecases.submit_application(terminal, usecases.SubmitRequest(
            CLERK, form, REGISTRATION | agent | {"agent_id_number": ID_NUMBER}, waivers=waivers, signature=SIGNATURE))
    assert caught.value.problems == {"agent_id_number": AGENT_IS_APPLICANT}
    with pytest.raises(usecases.FormInvalid) as caught:
        usecases.submit_application(terminal, usecases.SubmitRequest(
            CLERK, form, REGISTRATION | {"agent_name": "王小梅"}, waivers=waivers, signature=SIGNATURE))
    assert set(caught.value.problems) == {"agent_id_number", "agent_relation"}
    accepted = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, form, REGISTRATION | agent | {"agent_id_number": AGENT_ID}, waivers=waivers, signature=SIGNATURE))
    assert accepted.receipt.agent_text() == (f"代办人 王小梅（子女，证件号码 {AGENT_ID[:3]}{'*' * 13}{AGENT_ID[-2:]}）"
                                             f"代 {REGISTRATION['name']} 办理")


def test_window_asks_a_woman_employee_for_her_post(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    page = form_page(qtbot, make_terminal, "retirement_approval")
    view, panel = page.view, page.rule_panel
    assert panel is not None
    post = view.widget("female_post")
    assert post.isHidden() or not post.isVisibleTo(view)  # nobody has said who retires yet
    woman = RETIREMENT | {"id_number": WOMAN_ID, "name": "王秀兰", "account_holder": "王秀兰",
                          "retirement_month": "2026-11"}
    fill(qtbot, view, {k: v for k, v in woman.items() if k != "insured_category"})
    choose(view.widget("insured_category"), "worker")  # type: ignore[arg-type]
    assert not post.isVisibleTo(view)
    choose(view.widget("insured_category"), "employee")  # type: ignore[arg-type]
    assert post.isVisibleTo(view) and starred(view, "female_post")
    assert not page.submit_button.isEnabled()
    assert "还需填写：原岗位" in page.submit_hint.text()
    rows = panel.row_texts()
    assert "无法确定" in rows["法定退休年龄"] and "法定退休年月" not in rows
    assert "⚠" in panel.body.text()
    choose(post, "worker")  # type: ignore[arg-type]
    rows = panel.row_texts()  # hand-computed: 1976-03 worker, 50y8m -> 2026-11
    assert (rows["原岗位"], rows["改革后法定退休年龄"], rows["法定退休年月"]) == ("工人岗位", "50周岁8个月", "2026-11")
    qtbot.waitUntil(view.is_valid, timeout=5000)
    choose(post, "cadre")  # type: ignore[arg-type]
    rows = panel.row_texts()  # 1976-03 cadre, 55 + 19 months = 56y7m -> 2032-10; the personnel file is asked
    assert (rows["改革后法定退休年龄"], rows["法定退休年月"]) == ("56周岁7个月", "2032-10")
    assert starred(view, "personnel_file_keeper") and "人事档案保管单位" in page.submit_hint.text()
    # the applicant turns out to be a man's case: the question goes away and its answer is not kept
    view.widget("id_number").clear()  # type: ignore[union-attr]
    type_text(qtbot, view.widget("id_number"), RETIREMENT["id_number"])  # type: ignore[arg-type]
    assert not post.isVisibleTo(view) and view.values()["female_post"] == ""
    assert not starred(view, "personnel_file_keeper")
