"""Unified social credit codes (统一社会信用代码, GB 32100-2015), checked character by character.

Every employer form is keyed by the code, and a typo registers a second employer, so the clerk is
told which character is wrong, as with ID numbers. The check character is python-stdnum's
(``stdnum.cn.uscc.calc_check_digit``: weights and the 31-character alphabet of the standard);
the messages are ours, because stdnum only says valid or invalid.

Structure: 1 character registration authority, 1 character entity type, 6-digit region of the
registering office, 9-character organisation code, 1 check character. The alphabet is the digits
and the capital letters without I, O, Z, S, V (they read like 1, 0, 2, 5, U).

One deliberate difference from stdnum: positions 1-2 may be letters. The standard codes them
"阿拉伯数字或大写英文字母" and offices do issue letters there (农业农村部门 issues N-codes to
rural collective economic organisations); stdnum requires digits in positions 1-8.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from stdnum.cn import uscc as stdnum_uscc

LENGTH = 18
#: GB 32100's code characters: digits and capital letters without I, O, Z, S, V
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FORBIDDEN_LETTERS = "IOZSV"
_DIGITS = frozenset("0123456789")
#: 0-based positions of the registering office's region code, digits only
_REGION = range(2, 8)


@dataclass(frozen=True)
class UsccProblem:
    """The first thing wrong with a code, precise enough to put the cursor on it (0-based ``position``)."""

    message: str
    position: int | None
    expected: str | None = None


def normalise(code: str) -> str:
    """Drop whitespace and hyphens, fold full-width characters, upper-case letters (as typed or pasted)."""
    folded = unicodedata.normalize("NFKC", code)
    return "".join(folded.split()).replace("-", "").upper()


def check_character(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters (stdnum's computation)."""
    if len(first17) != LENGTH - 1 or any(ch not in ALPHABET for ch in first17):
        raise ValueError("check_character needs 17 characters of the GB 32100 alphabet")
    return str(stdnum_uscc.calc_check_digit(first17))


def _character_problem(code: str) -> UsccProblem | None:
    for index, ch in enumerate(code[:LENGTH]):
        where = f"第{index + 1}位"
        if ch in FORBIDDEN_LETTERS:
            return UsccProblem(f"{where}不能是字母{ch}：统一社会信用代码不使用I、O、Z、S、V，请核对是否为数字", index)
        if index in _REGION and ch not in _DIGITS:
            return UsccProblem(f"{where}应为数字（第3-8位是登记管理机关行政区划码）", index)
        if ch not in ALPHABET:
            return UsccProblem(f"{where}应为数字或大写字母", index)
    return None


def find_problem(code: str) -> UsccProblem | None:
    """The first problem with ``code``, or ``None`` when it is a valid 18-character code.

    Order: characters typed so far, then length, then the check character.
    """
    normalised = normalise(code)
    problem = _character_problem(normalised)
    if problem is not None:
        return problem
    if len(normalised) != LENGTH:
        return UsccProblem(f"应为{LENGTH}位，当前为{len(normalised)}位", None)
    expected = check_character(normalised[: LENGTH - 1])
    actual = normalised[LENGTH - 1]
    if actual != expected:
        return UsccProblem(f"第{LENGTH}位校验码应为 {expected}，实际为 {actual}", LENGTH - 1, expected)
    return None


def is_valid(code: str) -> bool:
    """Is ``code`` a valid unified social credit code?"""
    return find_problem(code) is None
