"""个人一站式查询 and the person-centred query tiles, as the screen shows them (issue 20).

Pure functions from what a lookup returned (``protocol.lookup.PersonOut``) to rows of text: the widgets in
``app/ui/person_query_page.py`` only lay them out, and the tests build ``PersonOut`` values and read the rows.
The ID number is masked unless the clerk chose to show it (``show_full_id``, an audited act in
``app/usecases/person_query.py``); nothing here is stored.

The focused tiles are the same lookup read for one question each, their answer above the whole record:

- 资格认证查询 (``qualification_focus``): whether the person draws a pension that needs the yearly
  qualification check, and whether payment runs or is suspended. The reference central system records the
  benefit's state, not each check's date, so the answer is the state and what to do about it.
- 死亡上报查询 (``death_focus``): whether a death has been reported (the benefit ended as deceased), and since
  when: what a family at the window for 丧葬补助金 needs first.
- 到龄确认查询 (``age_focus``): when the person reaches the statutory retirement age (``forms/rules/retirement``,
  the 2025 reform) and whether the paid and deemed months reach the minimum for that year.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from core.errors import mask_id_number
from forms.idnumber import find_problem
from forms.rules.retirement import Category, PostNotGiven, Sex, retirement_age
from protocol.lookup import (
    BENEFIT_STATUS_LABELS,
    CARD_STATUS_LABELS,
    INSURANCE_LABELS,
    INSURED_STATUS_LABELS,
    EmployerRef,
    PersonOut,
)

SEX_LABELS = {"male": "男", "female": "女"}
CATEGORY_LABELS = {"employee": "企业职工", "flexible": "灵活就业人员"}
#: card states the clerk must not miss: the card in the applicant's hand is not the valid one
CARD_ALERT = frozenset({"lost", "replaced"})


class Tone(enum.StrEnum):
    """How a line is shown: the window's tones (``ok`` green, ``warn`` amber, ``error`` red, ``info`` plain)."""

    OK = "ok"
    WARN = "warn"
    ERROR = "error"
    INFO = "info"


class Focus(enum.StrEnum):
    """Which question the screen answers first (the tile it was opened from)."""

    ALL = "all"
    QUALIFICATION = "qualification"
    DEATH = "death"
    AGE = "age"


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class Answer:
    """The answer to a focused question: a headline in its tone, and the lines that back it."""

    title: str
    headline: str
    tone: Tone
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonView:
    """The whole record as the one-stop screen shows it; tables are rows of cells in column order."""

    heading: str
    identity: tuple[Row, ...]
    card_line: str
    card_tone: Tone
    insurance_rows: tuple[tuple[str, ...], ...]
    period_rows: tuple[tuple[str, ...], ...]
    pension: tuple[Row, ...]
    benefit: tuple[Row, ...]
    as_of: str


INSURANCE_COLUMNS = ("险种", "参保状态", "参保起始", "累计缴费月数", "最近缴费月份")
PERIOD_COLUMNS = ("险种", "起始年月", "截止年月", "缴费月数", "缴费基数（元）", "缴费单位")


def _or_dash(value: str | None) -> str:
    return value if value else "—"


def _employer_text(employer: EmployerRef | None) -> str:
    """A period's payer: the employer, or none (paid as a flexible worker)."""
    return f"{employer.name}（{employer.unit_number}）" if employer is not None else "灵活就业（个人缴费）"


def _current_employer(person: PersonOut) -> str:
    if person.employer is not None:
        return _employer_text(person.employer)
    return "灵活就业（个人缴费）" if person.insured_category == "flexible" else "—（无在职参保单位）"


def as_of_text(moment: str) -> str:
    """The registry's ISO time as a clerk reads it (``2026-11-30 18:00``); as it came when it is not ISO."""
    try:
        return f"{datetime.fromisoformat(moment):%Y-%m-%d %H:%M}"
    except ValueError:
        return moment


def card_state_label(person: PersonOut) -> str:
    return CARD_STATUS_LABELS.get(person.card.status, person.card.status)


def _months_text(months: int) -> str:
    years, rest = divmod(months, 12)
    if years and rest:
        return f"{months} 个月（{years} 年 {rest} 个月）"
    return f"{months} 个月（{years} 年）" if years else f"{months} 个月"


def card_text(person: PersonOut) -> tuple[str, Tone]:
    """The card's state in a sentence; a lost or replaced card is said in red with what to do."""
    card = person.card
    label = CARD_STATUS_LABELS.get(card.status, card.status)
    number = f"，卡号 {card.card_number}" if card.card_number else ""
    if card.status == "lost":
        return (f"社会保障卡已挂失（{_or_dash(card.changed_on)}）{number}。此卡不能用于办理业务，"
                f"请核实持卡人身份，需要时办理解挂或补卡。", Tone.ERROR)
    if card.status == "replaced":
        return (f"社会保障卡已补换，旧卡已作废（{_or_dash(card.changed_on)}）{number}。请持新卡办理，"
                f"旧卡不能再用。", Tone.ERROR)
    if card.status == "none":
        return "尚未制作社会保障卡。如需制卡，请引导申请人办理申领。", Tone.WARN
    issued = f"，发卡日期 {card.issued_on}" if card.issued_on else ""
    return f"社会保障卡状态：{label}{number}{issued}。", Tone.OK if card.status == "normal" else Tone.WARN


def person_view(person: PersonOut, *, show_full_id: bool = False) -> PersonView:
    """Everything the registry returned, in the order a clerk reads it: who, card, 五险, periods, pension, benefit."""
    number = person.id_number if show_full_id else mask_id_number(person.id_number)
    identity = (
        Row("姓名", person.name),
        Row("公民身份号码", number),
        Row("性别", SEX_LABELS.get(person.sex, person.sex)),
        Row("出生日期", person.birth_date),
        Row("民族", _or_dash(person.ethnicity)),
        Row("联系电话", _or_dash(person.phone)),
        Row("常住地址", _or_dash(person.address)),
        Row("户籍地址", _or_dash(person.household_address)),
        Row("参保身份", _or_dash(CATEGORY_LABELS.get(person.insured_category or "", person.insured_category))),
        Row("当前参保单位", _current_employer(person) if person.insured_category else "—"),
        Row("参加工作日期", _or_dash(person.work_start_date)),
    )
    card_line, card_tone = card_text(person)
    order = list(INSURANCE_LABELS)
    insurances = sorted(person.insurances, key=lambda i: order.index(i.insurance) if i.insurance in order else 99)
    insurance_rows = tuple(
        (INSURANCE_LABELS.get(i.insurance, i.insurance), INSURED_STATUS_LABELS.get(i.status, i.status),
         _or_dash(i.since), str(i.months), _or_dash(i.last_paid_month))
        for i in insurances)
    periods = sorted(person.periods, key=lambda p: (order.index(p.insurance) if p.insurance in order else 99,
                                                   p.start_month))
    period_rows = tuple(
        (INSURANCE_LABELS.get(p.insurance, p.insurance), p.start_month, p.end_month, str(p.months), p.base,
         _employer_text(p.employer))
        for p in periods)
    pension: tuple[Row, ...] = ()
    if person.pension is not None:
        account = person.pension
        pension = (
            Row("实际缴费月数", _months_text(account.paid_months)),
            Row("视同缴费月数", _months_text(account.deemed_months)),
            Row("合计", _months_text(account.paid_months + account.deemed_months)),
            Row("个人账户储存额", f"{account.account_balance} 元"),
            Row("平均缴费指数", account.avg_contribution_index),
        )
    benefit = person.benefit
    benefit_rows = [Row("待遇状态", BENEFIT_STATUS_LABELS.get(benefit.status, benefit.status))]
    if benefit.since:
        benefit_rows.append(Row("起始日期", benefit.since))
    if benefit.monthly_amount:
        benefit_rows.append(Row("月基本养老金", f"{benefit.monthly_amount} 元"))
    if benefit.paid_until:
        benefit_rows.append(Row("发放至", benefit.paid_until))
    if benefit.pension_months is not None:
        benefit_rows.append(Row("已领取月数", f"{benefit.pension_months} 个月"))
    return PersonView(heading=f"{person.name}（{number}）", identity=identity, card_line=card_line,
                      card_tone=card_tone, insurance_rows=insurance_rows, period_rows=period_rows,
                      pension=pension, benefit=tuple(benefit_rows), as_of=as_of_text(person.as_of))


def qualification_focus(person: PersonOut) -> Answer:
    """资格认证查询: does this person draw a benefit that needs the qualification check, and does it run?"""
    benefit = person.benefit
    title = "资格认证查询"
    if benefit.status == "pension":
        lines = [f"按月领取基本养老金，月领 {benefit.monthly_amount} 元" if benefit.monthly_amount
                 else "按月领取基本养老金"]
        if benefit.paid_until:
            lines.append(f"已发放至 {benefit.paid_until}。")
        lines.append("待遇领取资格正常，按规定每年进行资格认证（可通过陕西社会保险APP刷脸认证或到经办机构认证）。")
        return Answer(title, "待遇正常发放，领取资格有效", Tone.OK, tuple(lines))
    if benefit.status == "suspended":
        since = f"自 {benefit.since} 起" if benefit.since else ""
        return Answer(title, f"待遇{since}暂停发放", Tone.WARN, (
            "常见原因：未按期完成资格认证、服刑、失踪等。",
            "如因未认证而暂停：请为本人完成资格认证后申请恢复发放；其他原因请核实后按规定办理。"))
    if benefit.status == "deceased":
        return Answer(title, "已上报死亡，待遇已终止，无需资格认证", Tone.ERROR, (
            f"死亡（待遇终止）日期：{_or_dash(benefit.since)}。",
            "家属可办理“参保人员死亡后待遇核准”（丧葬补助金、抚恤金、个人账户余额）。"))
    return Answer(title, "未领取养老保险待遇，无需资格认证", Tone.INFO,
                  (f"待遇状态：{BENEFIT_STATUS_LABELS.get(benefit.status, benefit.status)}。",))


def death_focus(person: PersonOut) -> Answer:
    """死亡上报查询: has this person's death been reported to the central system, and what follows."""
    benefit = person.benefit
    title = "死亡上报查询"
    if benefit.status == "deceased":
        lines = [f"死亡日期（待遇终止）：{_or_dash(benefit.since)}。"]
        if benefit.paid_until:
            lines.append(f"基本养老金已发放至 {benefit.paid_until}；如有死亡后多发的待遇，须由家属退还。")
        if benefit.pension_months is not None:
            lines.append(f"生前已领取养老金 {benefit.pension_months} 个月。")
        lines.append("家属可办理“参保人员死亡后待遇核准”。")
        return Answer(title, "中心系统已有死亡上报记录", Tone.ERROR, tuple(lines))
    return Answer(title, "中心系统无死亡上报记录", Tone.INFO, (
        f"当前待遇状态：{BENEFIT_STATUS_LABELS.get(benefit.status, benefit.status)}。",
        "如家属前来报告死亡，请办理“待遇停发”或“参保人员死亡后待遇核准”，并收取死亡证明。"))


def _age_lines(person: PersonOut, category: Category, label: str, today: date,
               total: int | None) -> tuple[list[str], bool]:
    """One rule's lines (when, the minimum months, what is missing) and whether the age is reached by ``today``.

    The minimum is the one of the year the age is reached (the law ties it to that year), so two posts of one
    woman can need different minimums.
    """
    birth = date.fromisoformat(person.birth_date)
    sex: Sex = "male" if person.sex == "male" else "female"
    age = retirement_age(birth, sex, category)
    years, months = divmod(age.statutory_age_months, 12)
    reached = f"{today:%Y-%m}" >= age.retirement_month
    when = "已到龄" if reached else "未到龄"
    age_text = f"{years} 周岁" + (f" {months} 个月" if months else "")
    lines = [f"{label}法定退休年龄 {age_text}，到龄月份 {age.retirement_month}（{when}）；"
             f"弹性提前最早 {age.earliest_month}。",
             f"按到龄年份，最低缴费年限为 {_months_text(age.min_contribution_months)}。"]
    if total is not None and total < age.min_contribution_months:
        lines.append(f"尚差 {age.min_contribution_months - total} 个月缴费，可继续缴费至满足条件。")
    return lines, reached


def age_focus(person: PersonOut, today: date) -> Answer:
    """到龄确认查询: the statutory retirement month (2025 reform) and whether the months reach the minimum.

    A woman recorded as an enterprise employee is shown under both posts (worker 50, cadre 55): the archive
    decides which, as the retirement form asks (``PostNotGiven``), never a guess.
    """
    title = "到龄确认查询"
    if person.benefit.status in ("pension", "deceased"):
        return Answer(title, "已办理退休或已死亡，无需到龄确认", Tone.INFO,
                      (f"待遇状态：{BENEFIT_STATUS_LABELS.get(person.benefit.status, person.benefit.status)}。",))
    if person.sex == "female" and person.insured_category != "flexible":
        rules = [(Category.WORKER, "按工人岗位："), (Category.CADRE, "按干部岗位：")]
    else:
        category = Category.FLEXIBLE if person.insured_category == "flexible" else Category.EMPLOYEE
        rules = [(category, "")]
    account = person.pension
    total = account.paid_months + account.deemed_months if account is not None else None
    lines: list[str] = []
    if total is not None:
        lines.append(f"已累计缴费（含视同）{_months_text(total)}。")
    else:
        lines.append("中心系统没有该人员的养老保险缴费记录。")
    reached_any = False
    for category, label in rules:
        try:
            rule_lines, reached = _age_lines(person, category, label, today, total)
        except PostNotGiven:  # pragma: no cover - every rule above names the post
            continue
        lines += rule_lines
        reached_any = reached_any or reached
    if len(rules) > 1:
        lines.append("企业女职工的退休年龄取决于档案记载的原岗位，请核对档案。")
    if reached_any:
        return Answer(title, "已达到法定退休年龄，可办理退休核准", Tone.WARN, tuple(lines))
    return Answer(title, "尚未达到法定退休年龄", Tone.INFO, tuple(lines))


def focus_answer(person: PersonOut, focus: Focus, today: date) -> Answer | None:
    """The focused tile's answer, or None for the plain one-stop query."""
    if focus is Focus.QUALIFICATION:
        return qualification_focus(person)
    if focus is Focus.DEATH:
        return death_focus(person)
    if focus is Focus.AGE:
        return age_focus(person, today)
    return None


def typed_id_problem(text: str, *, today: date | None = None) -> str | None:
    """Why a typed ID number cannot be looked up (the character-by-character message), or None when it can."""
    number = text.strip().upper()
    if not number:
        return "请输入18位公民身份号码。"
    problem = find_problem(number, today=today)
    return f"{problem.message}。" if problem is not None else None
