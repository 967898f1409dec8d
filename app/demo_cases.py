"""A realistic case for demos, training, screenshots and tests: a retirement application waiting for review.

The applicant's social security card was read (its name, in a variant character, corrected by the clerk
with a reason), the daughter who brings the application was read from her ID card, two materials are
photographed (the applicant's ID copy, the letter of authority) and one is waived with a reason. The
pages are the simulator's synthetic desk photographs run through the real scan pipeline, so what is
sealed is what a counter seals.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.demo_signature import demo_signature_png
from app.terminal import Terminal
from app.usecases import Accepted, ClerkInfo, SubmitRequest, submit_application
from devices.scan.idcopy import compose_id_copy
from devices.scan.pipeline import ScannedPage, ScanOptions, scan_page
from devices.sim.docscene import render_scene
from forms.idnumber import check_character

SIGNATURE = demo_signature_png()  # the demo applicant's signature (items that ask for one)

__all__ = ["RETIREE_ID", "RETIREMENT_CASE", "WAIVED", "retirement_case", "sample_id_copy", "sample_page"]

#: a man born 1965-03-15: statutory retirement at 60 years 1 month, 2025-04
RETIREE_ID = "61020219650315123" + check_character("61020219650315123")
AGENT_ID = "61020319900708242" + check_character("61020319900708242")
RETIREMENT_CASE: dict[str, str] = {
    "id_type": "01", "id_number": RETIREE_ID, "name": "王建国", "insured_category": "employee",
    "retirement_type": "normal", "retirement_month": "2025-04", "work_start_date": "1985-07-01",
    "contribution_months": "420", "deemed_contribution_months": "36", "avg_contribution_index": "1.12",
    "account_balance": "86452.37", "employer_name": "铜川市王益区建材有限公司",
    "employer_credit_code": "91610202MA6YB7QX47", "bank_name": "中国工商银行铜川分行",
    "bank_account": "6222021234567890123", "account_holder": "王建国", "phone": "13912345678",
    "address": "陕西省铜川市王益区红旗街1号院3单元402室", "agent_name": "王小梅", "agent_id_number": AGENT_ID,
    "agent_relation": "child", "agent_phone": "13709190627"}
#: where values came from, as the form records it: the card (its name corrected), the agent's ID card
PROVENANCE: dict[str, object] = {
    "from_device": {"id_number": "社保卡", "name": "社保卡", "agent_name": "居民身份证",
                    "agent_id_number": "居民身份证"},
    "overrides": [{"fields": ["id_number", "name"], "reason": "社保卡内姓名为异体字“囯”，按居民身份证更正为“国”",
                   "clerk_id": "1001", "at": "2025-03-18T01:42:10+00:00"}],
    "changed": ["name"],
}
WAIVED = {"agent_identity_document": "代办人居民身份证已由身份证阅读器读取核验，原件当场查验无误"}
_OPTIONS = ScanOptions(dpi=150, find_codes=False, max_bytes=400_000)


def sample_page(kind: str, seed: int, options: ScanOptions = _OPTIONS) -> ScannedPage:
    """One page as the camera and scan pipeline make it from a synthetic desk photograph of ``kind``."""
    scene = render_scene(seed, size=(2048, 1536), kind=kind)
    return scan_page(scene.image, scene.corners, options)


def sample_id_copy(seed: int, options: ScanOptions = _OPTIONS) -> ScannedPage:
    """Both sides of an ID card on one A4 page, as the counter copies them."""
    front = render_scene(seed, size=(2048, 1536), kind="id_front")
    back = render_scene(seed + 1, size=(2048, 1536), kind="id_back")
    return compose_id_copy(front.image, back.image, front_quad=front.corners, back_quad=back.corners,
                           options=options)


def retirement_case(terminal: Terminal, clerk: ClerkInfo, *, now: datetime | None = None) -> Accepted:
    """Submit the sample retirement case as ``clerk`` (front desk); it waits for a second clerk's review."""
    form = terminal.reference.form("retirement_approval")
    materials = {"identity_document": [sample_id_copy(31)],
                 "authorisation": [sample_page("a4_text", 42), sample_page("certificate", 43)]}
    return submit_application(terminal, SubmitRequest(clerk, form, RETIREMENT_CASE, provenance=PROVENANCE,
                                                      materials=materials, waivers=WAIVED, signature=SIGNATURE),
                              now=now or datetime.now(UTC))
