"""The 好差评 vocabulary shared by the terminal and the central system.

国务院办公厅关于建立政务服务"好差评"制度提高政务服务水平的意见 (国办发〔2019〕51号) rates each handled case on
five levels, 非常满意 to 非常不满意, and asks for the reason of a poor rating. The levels are stored as
integers (5 best) so that the statistics can average them; the reasons as codes so that both sides count
them alike whatever the wording on a screen.
"""

from __future__ import annotations

import enum


class RatingLevel(enum.IntEnum):
    VERY_SATISFIED = 5
    SATISFIED = 4
    BASICALLY_SATISFIED = 3
    DISSATISFIED = 2
    VERY_DISSATISFIED = 1


#: the words shown to the applicant, best first
LEVEL_LABELS: dict[RatingLevel, str] = {
    RatingLevel.VERY_SATISFIED: "非常满意",
    RatingLevel.SATISFIED: "满意",
    RatingLevel.BASICALLY_SATISFIED: "基本满意",
    RatingLevel.DISSATISFIED: "不满意",
    RatingLevel.VERY_DISSATISFIED: "非常不满意",
}

#: levels that ask for at least one reason
LOW_LEVELS: frozenset[RatingLevel] = frozenset({RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED})

#: reasons for a poor rating (code -> words), after the common 差评 categories of the 好差评 system
LOW_REASONS: dict[str, str] = {
    "attitude": "服务态度不好",
    "slow": "办理时间过长、等候久",
    "unclear": "告知不清楚、一次性告知不到位",
    "materials": "要求提供的材料过多",
    "repeat": "需要多次跑动",
    "rules": "政策规定不合理",
    "system": "系统故障或设备问题",
    "other": "其他",
}


def check_rating(level: int, reasons: list[str] | tuple[str, ...]) -> str | None:
    """What is wrong with a rating, in Chinese, or None when it may be stored."""
    try:
        rated = RatingLevel(level)
    except ValueError:
        return "评价等级须为 1 至 5。"
    unknown = [code for code in reasons if code not in LOW_REASONS]
    if unknown:
        return "评价原因不在目录中。"
    if len(set(reasons)) != len(reasons):
        return "评价原因重复。"
    if rated in LOW_LEVELS and not reasons:
        return "“不满意”和“非常不满意”须至少选择一项原因。"
    if rated not in LOW_LEVELS and reasons:
        return "只有“不满意”和“非常不满意”需要选择原因。"
    return None
