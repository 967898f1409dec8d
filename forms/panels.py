"""What the rule panels beside a form say: the retirement and the survivor-benefit checks.

The clerk is asked "when can I retire, and for how much?" and "what will the family receive?" while
the form is being filled, so these are computed from the form's own values on every change. Pure
functions of the values (no Qt): the window shows the rows, the tests check them. A value that is
missing or invalid gives a row saying what to fill in, never an exception: half a form is normal.

Nothing here blocks a submission. Whether an early retirement or a pension estimate is right is the
reviewer's decision; the panel makes sure the clerk saw the rule before sending it on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from core.errors import ConfigError, CounterError
from forms.rules.figures import ProvincialFigures
from forms.rules.pension import AMOUNT_MAX, PensionInputError, estimate_pension, months_divisor
from forms.rules.retirement import (
    POST_HINT,
    POST_NOT_GIVEN,
    Category,
    RetirementAge,
    Sex,
    min_contribution_months,
    retirement_age,
    special_retirement,
)
from forms.rules.survivor import overpaid_months, pension_overpayment, survivor_benefits

Tone = Literal["", "ok", "warn", "info"]
_FEN = Decimal("0.01")


@dataclass(frozen=True)
class Row:
    """One line of a panel: what, its value, and whether it is fine (ok) or needs attention (warn)."""

    label: str
    value: str
    tone: Tone = ""


@dataclass(frozen=True)
class Summary:
    title: str
    rows: tuple[Row, ...]


def _age(months: int) -> str:
    years, rest = divmod(months, 12)
    return f"{years}周岁" + (f"{rest}个月" if rest else "")


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f} 元"


def _int(values: Mapping[str, str], key: str) -> int | None:
    text = values.get(key, "").strip()
    return int(text) if text.isdigit() else None


def _decimal(values: Mapping[str, str], key: str) -> Decimal | None:
    try:
        value = Decimal(values.get(key, "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def _month(values: Mapping[str, str], key: str) -> tuple[int, int] | None:
    text = values.get(key, "").strip()
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
        return None
    year, month = int(text[:4]), int(text[5:])
    return (year, month) if 1 <= month <= 12 else None


def _date(values: Mapping[str, str], key: str) -> date | None:
    try:
        return date.fromisoformat(values.get(key, "").strip())
    except ValueError:
        return None


def _category(sex: str, category: str, post: str) -> Category | None:
    """The rule's category; None for a woman enterprise employee whose post (worker/cadre) is not chosen.

    The form asks an enterprise employee who is a woman for her post (``female_post``); her age is
    50 as a worker and 55 as a cadre, so the panel never picks one for her.
    """
    if category == Category.EMPLOYEE and sex == "female":
        return Category(post) if post in (Category.WORKER, Category.CADRE) else None
    return Category(category)


def _rule(birth: date, sex: Sex, category: Category, kind: str) -> RetirementAge:
    if kind == "special_occupation":
        return special_retirement(birth, sex, "arduous")
    if kind == "disability":
        return special_retirement(birth, sex, "disability")
    return retirement_age(birth, sex, category)


def _requested_check(kind: str, requested: str, rule: RetirementAge, contribution_ok: bool) -> Row:
    """Whether the month applied for fits the kind of retirement chosen."""
    label = "申请退休年月"
    if kind == "normal":
        if requested == rule.retirement_month:
            return Row(label, f"{requested}，与法定退休年月一致", "ok")
        return Row(label, f"{requested}：正常退休应为 {rule.retirement_month}", "warn")
    if kind == "flexible_early":
        if not rule.earliest_month <= requested < rule.retirement_month:
            return Row(label, f"{requested}：弹性提前退休应在 {rule.earliest_month} 至法定退休年月之前", "warn")
        if not contribution_ok:
            return Row(label, f"{requested}：弹性提前退休须已达到最低缴费年限", "warn")
        return Row(label, f"{requested}，在弹性提前退休范围内", "ok")
    if kind == "flexible_late":
        if rule.retirement_month < requested <= rule.latest_month:
            return Row(label, f"{requested}，在弹性延迟退休范围内（须与单位协商一致）", "ok")
        return Row(label, f"{requested}：弹性延迟退休应晚于 {rule.retirement_month}，最迟 {rule.latest_month}", "warn")
    if requested >= rule.retirement_month:
        return Row(label, f"{requested}，已达到特殊退休年龄（须复核相关证明）", "info")
    return Row(label, f"{requested}：未达到特殊退休年龄，最早 {rule.retirement_month}", "warn")


def retirement_summary(values: Mapping[str, str], figures: ProvincialFigures | None) -> Summary:
    """Statutory month, flexible window, contributions against the minimum, and the pension estimate."""
    title = "退休条件测算"
    birth, sex = _date(values, "birth_date"), values.get("sex", "")
    category, kind = values.get("insured_category", ""), values.get("retirement_type", "") or "normal"
    if birth is None or sex not in ("male", "female") or category not in {c.value for c in Category}:
        hint = "读取证件（或填写公民身份号码）并选择参保身份后显示法定退休年月。"
        return Summary(title, (Row("提示", hint, "info"),))
    rows: list[Row] = []
    chosen = _category(sex, category, values.get("female_post", "").strip())
    if chosen is None and kind not in ("special_occupation", "disability"):  # the special ages ignore the post
        return Summary(title, (Row("法定退休年龄", f"{POST_NOT_GIVEN}{POST_HINT}", "warn"),))
    rule = _rule(birth, "male" if sex == "male" else "female", chosen or Category.WORKER, kind)
    if chosen is not None and category == Category.EMPLOYEE and sex == "female":
        rows.append(Row("原岗位", "干部岗位" if chosen == Category.CADRE else "工人岗位"))
    if rule.needs_review:
        rows.append(Row("特殊退休年龄", f"{_age(rule.statutory_age_months)}（按原规定，须逐案复核）", "info"))
    else:
        rows.append(Row("原法定退休年龄", _age(rule.original_age_months)))
        rows.append(Row("改革后法定退休年龄", _age(rule.statutory_age_months)))
    rows.append(Row("法定退休年月", rule.retirement_month))
    if not rule.needs_review:
        rows.append(Row("弹性退休区间", f"最早 {rule.earliest_month}，最迟 {rule.latest_month}"))
    requested = _month(values, "retirement_month")
    retire_year, retire_month = requested or (int(rule.retirement_month[:4]), int(rule.retirement_month[5:]))
    actual, deemed = _int(values, "contribution_months"), _int(values, "deemed_contribution_months") or 0
    minimum = rule.min_contribution_months if requested is None else min_contribution_months(retire_year)
    contribution_ok = False
    if actual is None:
        rows.append(Row("累计缴费", "填写实际缴费月数后核对最低缴费年限", "info"))
    else:
        total = actual + deemed
        contribution_ok = total >= minimum
        gap = "" if contribution_ok else f"，还差 {minimum - total} 个月"
        rows.append(Row("累计缴费（含视同）", f"{total} 个月，最低 {minimum} 个月（{retire_year}年退休）{gap}",
                        "ok" if contribution_ok else "warn"))
    if requested is not None:
        rows.append(_requested_check(kind, f"{retire_year:04d}-{retire_month:02d}", rule, contribution_ok))
    rows.extend(_pension_rows(values, figures, birth, retire_year, retire_month, actual, deemed))
    return Summary(title, tuple(rows))


def _pension_rows(values: Mapping[str, str], figures: ProvincialFigures | None, birth: date, year: int,
                  month: int, actual: int | None, deemed: int) -> list[Row]:
    index, account = _decimal(values, "avg_contribution_index"), _decimal(values, "account_balance")
    if actual is None or index is None or account is None:
        return [Row("养老金测算", "填写缴费月数、平均缴费指数和个人账户储存额后测算", "info")]
    if account > AMOUNT_MAX:  # no real account holds this; beyond it the division leaves Decimal's precision
        return [Row("养老金测算", f"个人账户储存额超出合理范围（不能大于 {AMOUNT_MAX:,}），请核对", "warn")]
    age_months = (year * 12 + month) - (birth.year * 12 + birth.month)
    try:
        divisor = months_divisor(age_months)
    except PensionInputError as exc:
        return [Row("养老金测算", exc.user_message, "warn")]
    account_row = Row("个人账户养老金", f"{_yuan((account / divisor).quantize(_FEN, ROUND_HALF_UP))}"
                                      f"（计发月数 {divisor}）")
    try:
        if figures is None:
            raise ConfigError("no provincial figures", user_message="本机缺少本省统计数据，无法测算基础养老金。")
        wage = figures.pension_base_wage(year)
        estimate = estimate_pension(age_months=age_months, contribution_months=actual + deemed,
                                    avg_wage=wage, index=index, account=account)
    except CounterError as exc:  # the account part needs no provincial figure: show what can be known
        return [Row("基础养老金", exc.user_message, "warn"), account_row]
    return [
        Row("计发基数", f"{_yuan(wage)}（{figures.name}{year - 1}年月平均工资）"),
        Row("基础养老金", _yuan(estimate.pooled)),
        Row("个人账户养老金", f"{_yuan(estimate.account)}（计发月数 {estimate.divisor}）"),
        Row("月养老金估算", f"{_yuan(estimate.total)}（仅供参考，以核定为准）", "ok"),
    ]


def survivor_summary(values: Mapping[str, str], figures: ProvincialFigures | None,
                     national: ProvincialFigures | None = None) -> Summary:
    """Funeral grant and survivor payment (人社部发〔2021〕18号), and pension paid after the death."""
    title = "遗属待遇测算"
    death = _date(values, "death_date")
    cause, pensioner = values.get("death_cause", ""), values.get("was_pensioner", "")
    contributions = _int(values, "contribution_months")
    if death is None or not cause or not pensioner:
        return Summary(title, (Row("提示", "填写死亡日期、死亡原因和是否领取养老金后测算。", "info"),))
    rows: list[Row] = []
    if cause == "work_injury":
        rows.append(Row("因工死亡", "按《工伤保险条例》第三十九条核定工亡待遇，不按本办法计发", "warn"))
        if national is not None:
            try:
                income = national.year(death.year - 1).urban_disposable_income_annual
            except CounterError as exc:
                rows.append(Row("一次性工亡补助金", exc.user_message, "warn"))
            else:
                if income is not None:
                    rows.append(Row("一次性工亡补助金", f"{_yuan(income * 20)}（{death.year - 1}年全国城镇居民"
                                                      "人均可支配收入的20倍）"))
    elif contributions is None:
        rows.append(Row("抚恤金", "填写累计缴费月数后测算", "info"))
    elif figures is None:
        rows.append(Row("丧葬补助金、抚恤金", "本机缺少本省统计数据，无法测算", "warn"))
    else:
        pension_months = _int(values, "pension_months") if pensioner == "yes" else None
        try:
            income = figures.survivor_monthly_income(death.year)
            benefits = survivor_benefits(contribution_months=contributions, monthly_income=income,
                                         pension_months=pension_months)
        except (CounterError, ValueError) as exc:
            message = exc.user_message if isinstance(exc, CounterError) else str(exc)
            rows.append(Row("丧葬补助金、抚恤金", message, "warn"))
        else:
            source = f"{figures.name}{death.year - 1}年城镇居民月人均可支配收入"
            rows.append(Row("计发标准", f"{_yuan(income)}/月（{source}）"))
            rows.append(Row("丧葬补助金", f"{_yuan(benefits.funeral_grant)}（2个月）"))
            rows.append(Row("抚恤金", f"{_yuan(benefits.survivor_payment)}（{benefits.survivor_months}个月）"))
            rows.append(Row("合计", _yuan(benefits.funeral_grant + benefits.survivor_payment), "ok"))
    rows.extend(_overpayment_rows(values, death, pensioner))
    rows.append(Row("个人账户余额", "可依法继承（《实施〈社会保险法〉若干规定》第六条）", "info"))
    return Summary(title, tuple(rows))


def _overpayment_rows(values: Mapping[str, str], death: date, pensioner: str) -> list[Row]:
    paid = _month(values, "pension_paid_until")
    monthly = _decimal(values, "monthly_pension")
    if pensioner != "yes" or paid is None:
        return []
    through = date(paid[0], paid[1], 1)
    months = overpaid_months(death=death, paid_through=through)
    if months == 0:
        return [Row("死亡后养老金", "未多发（养老金自死亡次月起停发）", "ok")]
    if monthly is None:
        return [Row("死亡后养老金", f"多发 {months} 个月，填写月养老金后计算应退金额", "warn")]
    try:
        amount = pension_overpayment(death=death, paid_through=through, monthly_pension=monthly)
    except ValueError:
        return [Row("死亡后养老金", f"多发 {months} 个月；月养老金超出合理范围，请核对", "warn")]
    return [Row("死亡后养老金", f"多发 {months} 个月，应退回 {_yuan(amount)}（条例第四十六条）", "warn")]
