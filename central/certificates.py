"""参保证明 and 缴费证明 at the central system (issue 20): facts from the registry, codes, documents, checks.

``issue_certificate`` composes the facts from the registry tables (``central.models`` registry_*), gives them a
fresh verification code and records the issue (and, in ``lookups``, that the registry was read for it). The
terminal draws the PDF and registers its SHA-256 once (``register_document``); from then on
``verify_certificate`` answers anyone: the code's check symbol first (a mistyped code is not "unknown"), then
the record (unknown, revoked, no document registered), then, when a file is given, its hash.

Months paid within a 缴费证明's period: a registry stretch says how many of its months were paid, not which;
arrears are the latest months in practice (a unit falls behind, then pays up), so the paid months are counted
from the stretch's start. A stretch wholly inside the period counts exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central.errors import CentralError, IdempotencyConflict, NotFound
from central.models import (
    CertificateRow,
    ContributionPeriodRow,
    EmployerRecordRow,
    LookupRow,
    PersonInsuranceRow,
    PersonRecordRow,
)
from central.sent_once import iso
from central.store import CentralStore
from core.errors import mask_id_number
from protocol.canonical import canonical_sha256
from protocol.certificates import (
    KIND_LABELS,
    VERIFY_MESSAGES,
    CertificateFacts,
    CertificateIn,
    CertificateOut,
    CertifiedInsurance,
    CertifiedPeriod,
    CertifiedTotal,
    VerifyOut,
    code_well_formed,
    new_code,
    normalise_code,
)
from protocol.lookup import INSURANCE_LABELS, INSURED_STATUS_LABELS

__all__ = ["CardNotValid", "NotRegistered", "VerifyOut", "certificate_answer", "compose_facts", "issue_certificate",
           "register_document", "revoke_certificate", "verify_certificate"]

_ORDER = list(INSURANCE_LABELS)


class NotRegistered(CentralError):
    """No person with this ID number in the registry: nothing to certify."""

    code = "not_registered"
    http_status = 404
    user_message = "中心系统中没有此人的参保登记记录，无法出具证明。"
    hint = "请核对证件号码；未参保人员可先办理参保登记。"


class CardNotValid(CentralError):
    """The social security card read at the window is reported lost or was replaced: it proves nobody present."""

    code = "card_not_valid"
    http_status = 409
    user_message = "该社会保障卡已挂失或已补换，不能凭此卡证明本人到场。"
    hint = "请读取本人的居民身份证后再出具证明。"


class DocumentConflict(CentralError):
    code = "document_conflict"
    http_status = 409
    user_message = "该证明已登记了另一份文件，不能再次登记。"
    hint = "请重新出具证明。"


@dataclass(frozen=True)
class _Month:
    year: int
    month: int

    @classmethod
    def of(cls, text: str) -> _Month:
        year, month = text.split("-")
        return cls(int(year), int(month))

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @staticmethod
    def text(index: int) -> str:
        return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def compose_facts(session: Session, body: CertificateIn, as_of: str) -> CertificateFacts:
    """The certificate's facts from the registry (``NotRegistered`` when the person is not in it)."""
    person = session.get(PersonRecordRow, body.id_number)
    if person is None:
        raise NotRegistered(f"no registry person for a {body.kind} certificate")
    if body.presence.kind == "card_read" and person.card_status in ("lost", "replaced"):
        raise CardNotValid(f"card read for a certificate is {person.card_status}")
    wanted: set[str] = set(body.insurances) or set(_ORDER)
    names: dict[str, str] = {}

    def unit_name(unit_number: str | None) -> str | None:
        if unit_number is None:
            return None
        if unit_number not in names:
            employer = session.get(EmployerRecordRow, unit_number)
            names[unit_number] = employer.name if employer is not None else unit_number
        return names[unit_number]

    periods = list(session.scalars(select(ContributionPeriodRow).where(ContributionPeriodRow.id_number ==
                                                                       body.id_number)))
    insured = [row for row in session.scalars(select(PersonInsuranceRow).where(
        PersonInsuranceRow.id_number == body.id_number)) if row.insurance in wanted]
    insured.sort(key=lambda row: _ORDER.index(row.insurance) if row.insurance in _ORDER else len(_ORDER))
    paid = {row.insurance: sum(p.months for p in periods if p.insurance == row.insurance) for row in insured}
    facts = CertificateFacts(
        kind=body.kind, name=person.name, id_number=person.id_number, sex=person.sex,
        insured_category=person.insured_category, employer_name=unit_name(person.unit_number),
        insurances=[CertifiedInsurance(insurance=row.insurance, status=row.status, since=row.since,
                                       unit_name=unit_name(row.unit_number), months=paid[row.insurance])
                    for row in insured],
        purpose=body.purpose, as_of=as_of)
    if body.kind != "payment":
        return facts
    assert body.period_start is not None and body.period_end is not None
    first, last = _Month.of(body.period_start).index, _Month.of(body.period_end).index
    rows: list[CertifiedPeriod] = []
    totals: dict[str, int] = {code: 0 for code in _ORDER if code in wanted}
    for stretch in sorted(periods, key=lambda p: (_ORDER.index(p.insurance) if p.insurance in _ORDER else 9,
                                                  p.start_month)):
        if stretch.insurance not in wanted:
            continue
        start, end = _Month.of(stretch.start_month).index, _Month.of(stretch.end_month).index
        paid_end = min(end, start + stretch.months - 1)  # the paid months come first (see the module docstring)
        low, high = max(start, first), min(paid_end, last)
        if high < low:
            continue
        rows.append(CertifiedPeriod(insurance=stretch.insurance, start_month=_Month.text(low),
                                    end_month=_Month.text(high), months=high - low + 1, base=_yuan(stretch.base_fen),
                                    unit_name=unit_name(stretch.unit_number)))
        totals[stretch.insurance] = totals.get(stretch.insurance, 0) + high - low + 1
    return facts.model_copy(update={
        "period_start": body.period_start, "period_end": body.period_end, "periods": rows,
        "totals": [CertifiedTotal(insurance=code, months=months) for code, months in totals.items()]})


def certificate_answer(row: CertificateRow) -> CertificateOut:
    return CertificateOut(id=row.id, code=row.code, kind=row.kind, issued_at=row.issued_at, verify_url=row.verify_url,
                          facts=CertificateFacts.model_validate(row.facts), document_sha256=row.document_sha256,
                          revoked=row.revoked_at is not None)


def issue_certificate(store: CentralStore, *, terminal_id: str, body: CertificateIn,
                      verify_base: str) -> tuple[CertificateOut, bool]:
    """Issue (once per request id) and record; the answer and whether it is new. ``verify_base``: the public
    address the verification page is reached at (``https://…/verify/``)."""
    digest = canonical_sha256(body.model_dump(mode="json"))
    for _attempt in range(3):  # a racing replay or (80 bits: never in practice) a code taken: try again
        try:
            with store.writing() as session:
                existing = session.scalar(select(CertificateRow).where(CertificateRow.id == body.id))
                if existing is not None:
                    if existing.request_sha256 != digest or existing.terminal_id != terminal_id:
                        raise IdempotencyConflict(f"certificate request {body.id} was sent with another body",
                                                  user_message="该证明申请编号已被另一次申请使用。")
                    return certificate_answer(existing), False
                now = iso(store.now())
                facts = compose_facts(session, body, now)
                code = new_code()
                row = CertificateRow(code=code, id=body.id, request_sha256=digest, terminal_id=terminal_id,
                                     clerk_id=body.clerk_id, kind=body.kind, id_number=body.id_number,
                                     facts=facts.model_dump(mode="json"), verify_url=f"{verify_base}{code}",
                                     issued_at=now)
                session.add(row)
                session.add(LookupRow(id=body.id, terminal_id=terminal_id, clerk_id=body.clerk_id,
                                      subject_kind="certificate", subject=body.id_number,
                                      reason_kind=body.presence.kind, reason_note=body.presence.agent_relation,
                                      item_code=f"{body.kind}_certificate", found=True,
                                      created_at=body.created_at, received_at=now))
                session.flush()
                return certificate_answer(row), True
        except IntegrityError:
            continue
    raise IdempotencyConflict(f"certificate request {body.id} could not be stored")


def register_document(store: CentralStore, *, terminal_id: str, code: str, sha256: str, size: int) -> CertificateOut:
    """Register the PDF's hash once; the same hash again is answered alike, another one is a conflict."""
    with store.writing() as session:
        row = session.get(CertificateRow, normalise_code(code) or "", with_for_update=True)
        if row is None or row.terminal_id != terminal_id:
            raise NotFound(f"no certificate {code} of terminal {terminal_id}")
        if row.document_sha256 is not None and row.document_sha256 != sha256:
            raise DocumentConflict(f"certificate {code} has another document")
        row.document_sha256, row.document_size = sha256, size
        return certificate_answer(row)


def revoke_certificate(store: CentralStore, code: str, reason: str) -> bool:
    """Mark a certificate void (作废); False when there is no such certificate."""
    with store.writing() as session:
        row = session.get(CertificateRow, normalise_code(code) or "")
        if row is None:
            return False
        if row.revoked_at is None:
            row.revoked_at, row.revoke_reason = iso(store.now()), reason
        return True


def mask_name(name: str) -> str:
    """王小明 → 王*明, 王明 → 王*: enough for whoever holds the paper to see it is the same person."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _lines(facts: CertificateFacts) -> list[str]:
    """The certified facts in short lines, no unit or base beyond what the certificate's reader needs."""
    lines = []
    if facts.kind == "payment":
        lines.append(f"证明期间：{facts.period_start} 至 {facts.period_end}")
        lines += [f"{INSURANCE_LABELS.get(t.insurance, t.insurance)}：期间内实际缴费 {t.months} 个月"
                  for t in facts.totals]
    else:
        for row in facts.insurances:
            status = INSURED_STATUS_LABELS.get(row.status, row.status)
            since = f"，{row.since} 起" if row.since else ""
            label = INSURANCE_LABELS.get(row.insurance, row.insurance)
            lines.append(f"{label}：{status}{since}，累计缴费 {row.months} 个月")
        if facts.employer_name:
            lines.append(f"参保单位：{facts.employer_name}")
    return lines


def verify_certificate(store: CentralStore, code_text: str, document: bytes | None = None) -> VerifyOut:
    """What the public sees for a code (and a file): only ``valid`` says the certificate is genuine."""
    import hashlib

    code = normalise_code(code_text)
    shown = code or code_text[:40]
    if code is None or not code_well_formed(code):
        return VerifyOut(code=shown, result="malformed", valid=False, message=VERIFY_MESSAGES["malformed"])
    with store.reading() as session:
        row = session.get(CertificateRow, code)
    if row is None:
        return VerifyOut(code=code, result="unknown", valid=False, message=VERIFY_MESSAGES["unknown"])
    facts = CertificateFacts.model_validate(row.facts)
    if row.revoked_at is not None:
        result = "revoked"
    elif row.document_sha256 is None:
        result = "no_document"
    elif document is not None and hashlib.sha256(document).hexdigest() != row.document_sha256:
        result = "document_mismatch"
    else:
        result = "valid"
    return VerifyOut(code=code, result=result, valid=result == "valid", message=VERIFY_MESSAGES[result],
                     kind=KIND_LABELS.get(row.kind, row.kind), issued_at=row.issued_at,
                     name_masked=mask_name(facts.name), id_number_masked=mask_id_number(facts.id_number),
                     lines=_lines(facts), document_checked=document is not None)
