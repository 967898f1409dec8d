"""What the applicant's screen may show, built from the form's state alone (``app.customer_view``, no Qt)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.customer_view import (
    CaseView,
    FormState,
    WelcomeView,
    case_view,
    customer_view,
    needs_reason,
    rating_levels,
    welcome_view,
)
from core.errors import mask_id_number
from forms.catalogue import load_catalogue
from forms.definitions import load_form
from forms.idnumber import check_character
from forms.receipt import Receipt

from .samples import ID_NUMBER, REGISTRATION, RETIREE_ID, RETIREMENT

FORM = load_form("personal_registration")
ITEM = next(i for i in load_catalogue() if i.code == "personal_registration")
AGENT_ID = "61020219700101002" + check_character("61020219700101002")


def state(values: dict[str, str], **kwargs: object) -> FormState:
    return FormState(FORM, ITEM.name, values, **kwargs)  # type: ignore[arg-type]


def receipt(due: date | None = date(2027, 1, 18), provisional: tuple[int, ...] = ()) -> Receipt:
    return Receipt(receipt_no="T01-20261206-0001", office_name="测试大厅", item_name=ITEM.name,
                   applicant_name="李秀英", applicant_id_masked=mask_id_number(ID_NUMBER), agent_name=None,
                   agent_id_masked=None, received_at=datetime(2026, 12, 6, 2, 0, tzinfo=UTC), materials=(),
                   time_limit_days=20 if due else None, time_limit_basis="《社会保险经办条例》第十八条",
                   due=due, clerk_name="测试柜员", clerk_id="1001", offline=False,
                   due_provisional_years=provisional)


def test_the_applicants_id_number_is_masked_everywhere() -> None:
    view = case_view(state(REGISTRATION))
    assert view.applicant_name == "李秀英"
    assert view.applicant_id_masked == mask_id_number(ID_NUMBER)
    assert ID_NUMBER not in view.text() and ID_NUMBER[3:-2] not in view.text()


def test_an_agents_id_number_is_masked_too() -> None:
    view = case_view(state(REGISTRATION | {"agent_name": "张三", "agent_id_number": AGENT_ID}))
    shown = {f.label: f.value for f in view.fields}
    assert shown["代办人公民身份号码"] == mask_id_number(AGENT_ID)
    assert AGENT_ID not in view.text()


def test_fields_show_their_labels_and_choice_words_not_codes() -> None:
    shown = {f.label: f.value for f in case_view(state(REGISTRATION)).fields}
    assert shown["参保身份"] != "employee" and shown["参保身份"]
    assert shown["民族"] == "汉族"
    assert shown["联系电话"] == "13800138000"
    assert "姓名" not in shown and "公民身份号码" not in shown  # they head the screen, not the list


def test_empty_fields_are_left_out() -> None:
    view = case_view(state({"id_number": ID_NUMBER, "name": "李秀英", "phone": ""}))
    assert "联系电话" not in {f.label for f in view.fields}


def test_the_agent_line_says_who_acts_for_whom() -> None:
    view = case_view(state(REGISTRATION | {"agent_name": "张三", "agent_relation": "child"}))
    assert view.acting_for == "代办人 张三（子女）代 李秀英 办理"


def test_no_agent_no_agent_line() -> None:
    assert case_view(state(REGISTRATION)).acting_for is None


def test_materials_say_taken_waived_or_missing_and_skip_what_is_not_asked() -> None:
    taken = case_view(state(REGISTRATION, pages={"identity_document": 1}))
    assert [(m.name, m.state, m.pages) for m in taken.materials] == [("居民身份证或社会保障卡", "captured", 1)]
    assert taken.materials[0].text() == "已收取 1 页"
    waived = case_view(state(REGISTRATION, waived=frozenset({"identity_document"})))
    assert [m.state for m in waived.materials] == ["waived"]
    with_agent = case_view(state(REGISTRATION | {"agent_name": "张三", "agent_relation": "child"}))
    shown = [(m.name, m.state) for m in with_agent.materials]
    assert shown[0] == ("居民身份证或社会保障卡", "missing")
    assert {name for name, _ in shown[1:]} == {"代办人居民身份证（代办时）", "授权委托书（代办时）"}
    assert all(state == "missing" for _, state in shown)
    guardian = case_view(state(REGISTRATION | {"agent_name": "张三", "agent_relation": "guardian"}))
    assert "授权委托书（代办时）" not in [m.name for m in guardian.materials]  # a guardian is exempt


def test_the_due_date_shows_once_accepted() -> None:
    assert case_view(state(REGISTRATION)).due is None
    view = case_view(state(REGISTRATION), receipt())
    assert view.accepted and view.receipt_no == "T01-20261206-0001"
    assert view.due == "办结期限：2027-01-18（20 个工作日）"


def test_a_provisional_due_date_says_it_is_expected() -> None:
    view = case_view(state(REGISTRATION), receipt(provisional=(2027,)))
    assert view.due is not None and "2027-01-18" in view.due and "预计" in view.due


def test_a_new_applicants_state_shows_nothing_of_the_previous_one() -> None:
    first = case_view(state(REGISTRATION | {"agent_name": "张三"}))
    second = case_view(state(RETIREMENT_IN_REGISTRATION))
    assert "李秀英" in first.text()
    for trace in ("李秀英", "张三", "13800138000", mask_id_number(ID_NUMBER), "红旗街1号"):
        assert trace not in second.text(), trace
    assert second.applicant_name == "王建国"


#: the retiree's identity in the registration form (another person at the same counter)
RETIREMENT_IN_REGISTRATION = {"id_type": "01", "id_number": RETIREE_ID, "name": RETIREMENT["name"],
                              "phone": "13912345678"}


def test_values_left_from_another_person_are_not_shown() -> None:
    # B's card read into A's form: A's phone and address are still in the clerk's form, marked stale
    values = REGISTRATION | {"id_number": RETIREE_ID, "name": "王建国"}
    view = case_view(state(values, stale={"phone": "13800138000", "address": REGISTRATION["address"],
                                          "employer_code": REGISTRATION["employer_code"]}))
    assert view.applicant_name == "王建国"
    for trace in ("13800138000", "红旗街1号", "61020200001", "李秀英"):
        assert trace not in view.text(), trace
    # the clerk types B's own phone: that is B's and is shown
    typed = case_view(state(values | {"phone": "13912345678"}, stale={"phone": "13800138000"}))
    assert "13912345678" in typed.text()


def test_an_empty_form_shows_the_welcome_with_the_items_materials() -> None:
    view = customer_view(state({"id_type": "01"}), "测试大厅", ITEM)
    assert isinstance(view, WelcomeView)
    assert view.item_name == ITEM.name
    assert any(line.startswith("居民身份证或社会保障卡") for line in view.item_materials)
    assert any("授权委托书" in line and "代办" in line for line in view.item_materials)
    assert not any("第三十一条" in line for line in view.item_materials)  # the guide's closing note is no material


def test_a_started_form_shows_the_case() -> None:
    assert isinstance(customer_view(state({"id_type": "01", "phone": "1"}), "测试大厅", ITEM), CaseView)


def test_the_welcome_holds_nothing_personal() -> None:
    view = welcome_view("测试大厅")
    assert view.text() == "测试大厅\n欢迎办理社会保险业务\n请准备：居民身份证、社会保障卡"
    assert welcome_view("").office_name == "社会保险经办机构"


def test_rating_levels_are_best_first_and_the_two_lowest_ask_why() -> None:
    levels = rating_levels()
    assert [level for level, _words in levels] == [5, 4, 3, 2, 1]
    assert levels[0][1] == "非常满意" and levels[-1][1] == "非常不满意"
    assert [level for level, _words in levels if needs_reason(level)] == [2, 1]
