"""The signatures a review tier needs, and who may give them (分级审核, 条例第三十七条; 个人权益记录管理办法第七条).

One rule, used alike by the terminal (before it queues a case, and before a clerk signs one fetched from
the central system) and by the reference central system (before it accepts a case or a signature):

- tier ``review`` needs one signature, step ``review`` (复核);
- tier ``review_approval`` needs ``review`` and then ``approval`` (审批);
- nobody signs their own case, and nobody signs two steps of one case.

Which role a step needs is the terminal's business (``app.permissions``); the central system cannot see a
terminal's clerks and relies on the enrolled terminal for that, but checks everything here itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from forms.definitions import TIER_LABELS

ReviewStep = Literal["review", "approval"]
STEP_LABELS: dict[str, str] = {"review": "复核", "approval": "审批"}
#: the steps of each tier, in the order they are signed
TIER_STEPS: dict[str, tuple[ReviewStep, ...]] = {"none": (), "review": ("review",),
                                                 "review_approval": ("review", "approval")}


@dataclass(frozen=True)
class Signer:
    """Who signed a step (the facts the rule needs; times and terminals are kept by the callers)."""

    step: str
    clerk_id: str


def steps_for(tier: str) -> tuple[ReviewStep, ...]:
    """The steps ``tier`` needs; an unknown tier (a newer definition) needs nothing we know how to give."""
    return TIER_STEPS.get(tier, ())


def next_step(tier: str, signed: Iterable[Signer]) -> ReviewStep | None:
    """The step to sign next, or None when every step of ``tier`` is signed."""
    done = {s.step for s in signed}
    return next((step for step in steps_for(tier) if step not in done), None)


def sign_refusal(tier: str, submitter: str, signed: Sequence[Signer], step: str, clerk_id: str) -> str | None:
    """Why ``clerk_id`` may not sign ``step`` of a case of ``tier`` now (Chinese), or None if they may."""
    wanted = next_step(tier, signed)
    if wanted is None:
        return "该笔业务的复核审批已全部签字，无需再签。"
    if step != wanted:
        return f"该笔业务当前应由“{STEP_LABELS[wanted]}”签字，不能签“{STEP_LABELS.get(step, step)}”。"
    if clerk_id == submitter:
        return "复核、审批须由受理柜员以外的柜员进行，不能签本人受理的业务。"
    if any(s.clerk_id == clerk_id for s in signed):
        return "同一柜员不能既复核又审批同一笔业务，请由另一名柜员签字。"
    return None


def signature_problems(tier: str, submitter: str, signed: Sequence[Signer], *, complete: bool) -> list[str]:
    """What is wrong with the signatures a case carries (Chinese), empty when they are right.

    ``complete``: whether every step must be signed (a case sent for processing) or only those given must
    be right (a case sent to be reviewed elsewhere may carry none or some).
    """
    problems: list[str] = []
    steps = steps_for(tier)
    given: list[Signer] = []
    for signer in signed:
        if signer.step not in steps:
            label = STEP_LABELS.get(signer.step, signer.step)
            problems.append(f"{TIER_LABELS.get(tier, tier)}级别的业务不应有“{label}”签字。")
            continue
        refusal = sign_refusal(tier, submitter, given, signer.step, signer.clerk_id)
        if refusal is not None:
            problems.append(refusal)
        given.append(signer)
    missing = [STEP_LABELS[step] for step in steps if step not in {s.step for s in signed}]
    if complete and missing:
        problems.append(f"本业务审核级别为“{TIER_LABELS.get(tier, tier)}”，缺少{'、'.join(missing)}签字。")
    return problems

