"""``sicounter rules ...``: the policy rules from a command line, for clerks' trainers and scripts.

Subcommands ``idnumber``, ``retirement``, ``pension``, ``survivor``, ``deadline`` and ``figures`` print readable
Chinese lines, or with ``--json`` exactly one JSON object. Exit status 0 on success, 2 on bad input
with the message in Chinese, then in English, on stderr and no traceback: a clerk or a script must
see what to fix, not a stack. ``idnumber`` prints its verdict either way (``valid: false`` with the
problem) and exits 1 for an invalid number, so a script can test the status (the exit codes of every
command are in ``core.cli``: 0 done, 1 the check says no, 2 the command could not run on its input).

Every argument has a domain (``core.cli``'s types): dates from 1900-01-01 to 2100-12-31, years from
1900 to 2100, monthly figures up to ``MONTHLY_FIGURE_MAX``, an account balance up to ``ACCOUNT_MAX``,
month counts up to a human life; a value outside is refused with the reason, not computed into an
answer such as a retirement month of "10054-12".

The retirement and pension modules are imported inside their subcommands, so the other subcommands
keep working if one of those modules fails to import.

``pension`` and ``survivor`` take the provincial figure either as a number (``--avg-wage``,
``--monthly-income``) or from the shipped yearly figures (``--province`` with ``--retirement-year``
or ``--death-year``), which look up the year before the event; ``figures`` shows those figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from core.cli import EXIT_FAILED, EXIT_NO, EXIT_OK, amount_arg, count_arg, date_arg, run_guarded, year_arg
from core.errors import CounterError

__all__ = ["build_parser", "main"]

_CENT = Decimal("0.01")

#: a provincial monthly figure (average wage, disposable income): the highest today is about 20 000 yuan;
#: a million a month is beyond any province's average and still far from what the arithmetic cannot hold
MONTHLY_FIGURE_MAX = Decimal(1_000_000)
#: an individual pension account balance: a hundred million yuan is beyond any real account
ACCOUNT_MAX = Decimal(100_000_000)
#: the average contribution index lies in 0.6-3.0 by law; up to 10 is let through for the rules to judge
INDEX_MAX = Decimal(10)
#: ages and contribution or pension months: 150 years of months
MONTHS_MAX = 150 * 12
#: working days to a deadline: about four years, far beyond any statutory time limit (at most 60 days)
WORKING_DAYS_MAX = 1000
_SEX_ZH = {"male": "男", "female": "女"}


class _BadInput(Exception):
    """Bad input, with the Chinese and the English message."""

    def __init__(self, chinese: str, english: str) -> None:
        super().__init__(english)
        self.chinese = chinese
        self.english = english


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as ``_BadInput`` instead of exiting (main prints them)."""

    def error(self, message: str) -> NoReturn:
        raise _BadInput(f"参数有误，请用 {self.prog} --help 查看用法。", f"{self.prog}: error: {message}")


def _money(value: Decimal) -> float:
    """A JSON number rounded to 2 places (amounts are quantized already; this only re-states it)."""
    return float(value.quantize(_CENT))


def _age(months: int) -> str:
    years, rest = divmod(months, 12)
    return f"{years}岁" + (f"{rest}个月" if rest else "")


# -- subcommands: each returns (JSON object, Chinese lines) ------------------------------------

Result = tuple[dict[str, Any], list[str]]


def _idnumber(args: argparse.Namespace) -> Result:
    from forms.idnumber import find_problem, normalise, parse

    number = normalise(args.number)
    out: dict[str, Any] = {}
    lines: list[str] = []
    if len(number) == 15:
        from forms.idnumber import convert_15_to_18

        try:
            number = convert_15_to_18(number)
        except CounterError as exc:
            return ({"valid": False, "birth_date": None, "sex": None, "region": None,
                     "problem": exc.user_message}, [f"身份号码无效：{exc.user_message}"])
        out["converted"] = number
        lines.append(f"15位旧号码已转换为18位：{number}")
    problem = find_problem(number)
    if problem is not None:
        out.update(valid=False, birth_date=None, sex=None, region=None, problem=problem.message)
        return out, [*lines, f"身份号码无效：{problem.message}"]
    info = parse(number)
    out.update(valid=True, birth_date=info.birth_date.isoformat(), sex=info.sex,
               region={"code": info.region_code, "name": info.region})
    lines += [
        "身份号码有效",
        f"出生日期：{info.birth_date.isoformat()}",
        f"性别：{_SEX_ZH[info.sex]}",
        f"地区：{info.region_code} {info.region}",
    ]
    return out, lines


def _retirement(args: argparse.Namespace) -> Result:
    from forms.rules.retirement import Category, retirement_age

    result = retirement_age(args.birth, args.sex, Category(args.category))
    out = {
        "original_age_months": result.original_age_months,
        "statutory_age_months": result.statutory_age_months,
        "retirement_month": result.retirement_month,
        "earliest_month": result.earliest_month,
        "latest_month": result.latest_month,
        "min_contribution_months": result.min_contribution_months,
    }
    lines = [
        f"原法定退休年龄：{_age(result.original_age_months)}",
        f"改革后法定退休年龄：{_age(result.statutory_age_months)}",
        f"法定退休时间：{result.retirement_month}",
        f"弹性提前最早：{result.earliest_month}",
        f"弹性延迟最晚：{result.latest_month}",
        f"最低缴费年限：{result.min_contribution_months} 个月",
    ]
    return out, lines


def _province_figure(args: argparse.Namespace, value: Decimal | None, option: str, year_option: str) -> Decimal:
    """``value`` if given, else the figure of ``--province`` for the event year ``year_option``.

    The number wins when both are given: a clerk who types the figure of a decision in hand means
    that figure, not the terminal's data.
    """
    if value is not None:
        return value
    year_attr = year_option.removeprefix("--").replace("-", "_")
    year: int | None = getattr(args, year_attr)
    if args.province is None or year is None:
        raise _BadInput(f"请给出 {option}，或同时给出 --province 和 {year_option}。",
                        f"give {option}, or both --province and {year_option}")
    from forms.rules.figures import load_figures

    figures = load_figures(args.province, args.figures)
    if year_option == "--retirement-year":
        return figures.pension_base_wage(year)
    return figures.survivor_monthly_income(year)


def _pension(args: argparse.Namespace) -> Result:
    from forms.rules.pension import estimate_pension

    avg_wage = _province_figure(args, args.avg_wage, "--avg-wage", "--retirement-year")
    result = estimate_pension(age_months=args.age_months, contribution_months=args.contribution_months,
                              avg_wage=avg_wage, index=args.index, account=args.account)
    out = {"pooled": _money(result.pooled), "account": _money(result.account), "total": _money(result.total),
           "divisor": result.divisor}
    lines = [
        f"基础养老金：{result.pooled:.2f} 元/月",
        f"个人账户养老金：{result.account:.2f} 元/月（计发月数 {result.divisor}）",
        f"合计（估算）：{result.total:.2f} 元/月",
    ]
    return out, lines


def _survivor(args: argparse.Namespace) -> Result:
    from forms.rules.survivor import survivor_benefits

    monthly_income = _province_figure(args, args.monthly_income, "--monthly-income", "--death-year")
    result = survivor_benefits(contribution_months=args.contribution_months, monthly_income=monthly_income,
                               pension_months=args.pension_months)
    out = {"funeral_grant": _money(result.funeral_grant), "survivor_months": _money(result.survivor_months),
           "survivor_payment": _money(result.survivor_payment)}
    lines = [
        f"丧葬补助金：{result.funeral_grant} 元",
        f"抚恤金月数：{result.survivor_months}",
        f"抚恤金：{result.survivor_payment} 元",
    ]
    return out, lines


def _deadline(args: argparse.Namespace) -> Result:
    from forms.rules.deadlines import count_due_date, load_calendar, provisional_note

    basis: str | None = None
    if args.item is not None:
        from forms.catalogue import load_catalogue

        item = next((i for i in load_catalogue() if i.code == args.item), None)
        if item is None:
            raise _BadInput(f"未找到服务事项：{args.item}", f"unknown service item: {args.item!r}")
        if item.time_limit_working_days is None:
            raise _BadInput(f"服务事项“{item.name}”没有法定办理时限，无法计算办结期限。",
                            f"service item {args.item!r} has no statutory time limit")
        days, basis = item.time_limit_working_days, item.time_limit_basis
    else:
        days = args.days
    counted = count_due_date(args.received, days, load_calendar(args.holidays))
    due = counted.day
    out: dict[str, Any] = {"due": due.isoformat(), "working_days": days, "provisional": counted.provisional,
                           "provisional_years": list(counted.provisional_years)}
    lines = [f"受理日期：{args.received.isoformat()}", f"办理时限：{days} 个工作日（受理当日不计）"]
    if basis is not None:
        out["basis"] = basis
        lines.append(f"依据：{basis}")
    if counted.provisional:
        lines.append(f"办结期限：{due.isoformat()}（{provisional_note(counted.provisional_years)}）")
        lines.append("说明：该年节假日安排尚未公布，按《全国年节及纪念日放假办法》规定的节日和周末计算，未计调休。")
    else:
        lines.append(f"办结期限：{due.isoformat()}")
    return out, lines


def _figures(args: argparse.Namespace) -> Result:
    from forms.rules.figures import load_figures

    figures = load_figures(args.province, args.figures)
    year = figures.year(args.year)
    wage, income = year.avg_wage_annual, year.urban_disposable_income_annual
    # monthly figures come from the same methods the benefits use (they look up the prior year)
    wage_monthly = None if wage is None else figures.pension_base_wage(args.year + 1)
    income_monthly = None if income is None else figures.survivor_monthly_income(args.year + 1)

    def money(value: Decimal | None) -> float | None:
        return None if value is None else _money(value)

    def line(label: str, annual: Decimal | None, monthly: Decimal | None) -> str:
        if annual is None or monthly is None:
            return f"{label}：（无数据）"
        return f"{label}：{annual} 元/年，{monthly:.2f} 元/月"

    out = {"province": figures.province, "name": figures.name, "year": year.year,
           "avg_wage_annual": money(wage), "avg_wage_monthly": money(wage_monthly),
           "urban_disposable_income_annual": money(income),
           "urban_disposable_income_monthly": money(income_monthly), "source": year.source}
    lines = [
        f"{figures.name}（{figures.province}）{year.year} 年统计数据",
        line("全口径城镇单位就业人员平均工资", wage, wage_monthly),
        line("城镇居民人均可支配收入", income, income_monthly),
        f"来源：{year.source}",
    ]
    return out, lines


def _province(text: str) -> str:
    if len(text) != 2 or not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError(f"省份代码应为2位数字 / expected a 2-digit province code: {text!r}")
    return text


def _months(text: str) -> int:
    return count_arg(MONTHS_MAX, "月数")(text)


def _add_province(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--province", type=_province, required=required, default=None,
                   help="2-digit province code (00 = national) of the shipped yearly figures")
    p.add_argument("--figures", type=Path, default=None, help="figures file overriding the shipped one")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sicounter rules", description="Policy rules: ID numbers, retirement, pension, "
                     "survivor benefits, working-day deadlines, provincial figures.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--json", action="store_true", help="print one JSON object")
        return p

    p = command("idnumber", "check a citizen ID number (15-digit numbers are converted)")
    p.add_argument("number")
    p.set_defaults(func=_idnumber)

    p = command("retirement", "statutory retirement month under the 2025 reform")
    p.add_argument("--birth", type=date_arg, required=True, help="YYYY-MM-DD, 1900-01-01 to 2100-12-31")
    p.add_argument("--sex", choices=("male", "female"), required=True)
    p.add_argument("--category", choices=("employee", "cadre", "worker", "flexible"), required=True,
                   help="worker or cadre for a woman employee (original age 50 or 55); employee alone is "
                        "refused for a woman, since it does not decide her age")
    p.set_defaults(func=_retirement)

    p = command("pension", "estimate the monthly basic pension")
    p.add_argument("--age-months", type=_months, required=True)
    p.add_argument("--contribution-months", type=_months, required=True)
    p.add_argument("--avg-wage", type=amount_arg(MONTHLY_FIGURE_MAX, "月平均工资"), default=None,
                   help="prior-year provincial average monthly wage, at most 1000000 "
                        "(or --province with --retirement-year)")
    p.add_argument("--index", type=amount_arg(INDEX_MAX, "平均缴费指数"), required=True,
                   help="average contribution index (0.6-3.0)")
    p.add_argument("--account", type=amount_arg(ACCOUNT_MAX, "个人账户储存额"), required=True,
                   help="individual account balance, at most 100000000")
    _add_province(p, required=False)
    p.add_argument("--retirement-year", type=year_arg, default=None,
                   help="year of retirement; the average wage of the year before is used")
    p.set_defaults(func=_pension)

    p = command("survivor", "funeral grant and survivor payment (non-work death)")
    p.add_argument("--contribution-months", type=_months, required=True)
    p.add_argument("--pension-months", type=_months, default=None, help="months of pension drawn (pensioners)")
    p.add_argument("--monthly-income", type=amount_arg(MONTHLY_FIGURE_MAX, "月人均可支配收入"), default=None,
                   help="prior-year urban monthly per-capita disposable income, at most 1000000 "
                        "(or --province with --death-year)")
    _add_province(p, required=False)
    p.add_argument("--death-year", type=year_arg, default=None,
                   help="year of death; the disposable income of the year before is used")
    p.set_defaults(func=_survivor)

    p = command("deadline", "due date in working days (day of receipt not counted)")
    p.add_argument("--received", type=date_arg, required=True, help="YYYY-MM-DD, 1900-01-01 to 2100-12-31")
    limit = p.add_mutually_exclusive_group(required=True)
    limit.add_argument("--days", type=count_arg(WORKING_DAYS_MAX, "工作日数"), help="working days, at most 1000")
    limit.add_argument("--item", help="service item code; its statutory limit is used")
    p.add_argument("--holidays", type=Path, default=None, help="holiday schedule file overriding the shipped one")
    p.set_defaults(func=_deadline)

    p = command("figures", "provincial yearly figures (average wage, urban disposable income)")
    _add_province(p, required=True)
    p.add_argument("--year", type=year_arg, required=True, help="statistical year (the year measured)")
    p.set_defaults(func=_figures)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; the exit code is 0, 1 (``idnumber``: the number is invalid) or 2 (bad input)."""
    return run_guarded(lambda: _run(list(sys.argv[1:] if argv is None else argv)), program="sicounter rules")


def _run(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
        out, lines = args.func(args)
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except _BadInput as exc:
        print(exc.chinese, file=sys.stderr)
        print(exc.english, file=sys.stderr)
        return EXIT_FAILED
    except CounterError as exc:
        print(exc.user_message, file=sys.stderr)
        english = exc.detail if exc.detail and exc.detail != exc.user_message else ""
        print(english or f"bad input: {getattr(exc, 'field', type(exc).__name__)}", file=sys.stderr)
        return EXIT_FAILED
    except ValueError as exc:
        print(f"输入有误：{exc}", file=sys.stderr)
        print(f"bad input: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print("\n".join(lines))
    # a check that found the number invalid answers "no", as ``test`` does: scripts test the status
    return EXIT_NO if out.get("valid") is False else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
