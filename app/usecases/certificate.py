"""参保证明 and 缴费证明 for the person at the window (issue 20, item 4).

A certificate states facts from the central system's registry, so it is issued online only: the central
system composes the facts and a verification code, this terminal draws the PDF and registers its SHA-256
there, and only then is it shown, printed or saved (a file with a changed byte fails verification).

It is printed only for the person present or their authorised agent (社会保险个人权益记录管理办法 第十五条:
the insured with their own valid ID; an agent with a written authorisation and their own ID):

* in person: the social security card or ID card read at the window carries the certificate's subject;
* an agent: the agent's own card read (not the subject's), their relation, and the authorisation
  (授权委托书; a 监护人 shows the guardianship instead) seen by the clerk.

``presence_problem`` says in Chinese why a request cannot go (the window shows it before asking); the use case
checks it again. ``Permission.ISSUE_CERTIFICATE`` (受理). The audit trail holds the code, the kind and how the
person was present, with the person as their key; no local copy of the facts is kept.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError as PydanticError

from app.cards import IdentityReading
from app.certificates import IssuedCertificate
from app.permissions import Permission, require
from app.terminal import Terminal
from app.whole_file import write_bytes_whole
from core.errors import CentralUnreachable, ConfigError, CounterError, ValidationError
from forms.agent_section import GUARDIAN, RELATIONS
from forms.idnumber import find_problem
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo
from protocol.certificates import CertificateDocumentIn, CertificateIn, CertificateOut, PresenceIn

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

__all__ = ["AgentPresence", "CertificateOffline", "CertificateRequest", "deliver_certificate", "issue_certificate",
           "presence_problem"]

#: the source label ``app.cards`` gives a social security card read
_CARD_SOURCE = "社保卡"


class CertificateOffline(CounterError):
    """No central system answered: a certificate cannot be issued from the terminal alone."""

    user_message = "未能连接中心系统，无法出具证明。"
    hint = "证明的内容和验证码须由中心系统出具，请在网络恢复后再办理。"


@dataclass(frozen=True)
class AgentPresence:
    """The agent at the window: their own document read, their relation, and the authorisation the clerk saw."""

    reading: IdentityReading
    relation: str
    #: the 授权委托书 (for a 监护人: the proof of guardianship) was shown and checked
    authorisation_seen: bool


@dataclass(frozen=True)
class CertificateRequest:
    """What the clerk asks for. ``holder``: the subject's own card read at the window (None when an agent acts
    without it; then ``subject_id_number`` is typed from the authorisation)."""

    kind: str
    subject_id_number: str
    holder: IdentityReading | None = None
    agent: AgentPresence | None = None
    insurances: tuple[str, ...] = ()
    period_start: str | None = None
    period_end: str | None = None
    purpose: str | None = None


def presence_problem(request: CertificateRequest) -> str | None:
    """Why the certificate cannot be printed for whoever stands at the window; None when it can."""
    subject = request.subject_id_number.strip().upper()
    if not subject:
        return "请读取申请人本人的社会保障卡或居民身份证。"
    problem = find_problem(subject)
    if problem is not None:
        return f"证明对象的公民身份号码有误：{problem.message}。请重新读取证件。"
    agent = request.agent
    if agent is None:
        if request.holder is None:
            return "证明只为到场的本人或其授权代办人出具：请读取申请人本人的社会保障卡或居民身份证。"
        if request.holder.id_number.strip().upper() != subject:
            return "读取的证件不是证明对象本人的：请读取申请人本人的证件，或按代办办理。"
        return None
    if agent.reading.id_number.strip().upper() == subject:
        return "代办人证件与证明对象相同：本人到场时请取消代办，按本人办理。"
    if agent.relation not in RELATIONS:
        return "请选择代办人与申请人的关系。"
    if not agent.authorisation_seen:
        what = "监护关系证明" if agent.relation == GUARDIAN else "授权委托书"
        return f"代办须查验{what}：请查验原件后勾选“已查验”。"
    return None


def _presence(request: CertificateRequest) -> PresenceIn:
    if request.agent is not None:
        return PresenceIn(kind="agent", agent_relation=request.agent.relation)
    source = request.holder.source if request.holder is not None else ""
    return PresenceIn(kind="card_read" if source == _CARD_SOURCE else "id_card_read")


def _body(clerk: ClerkInfo, request: CertificateRequest, now: datetime) -> CertificateIn:
    try:
        return CertificateIn(id=str(uuid.uuid4()), kind=request.kind,  # type: ignore[arg-type]
                             id_number=request.subject_id_number.strip().upper(), clerk_id=clerk.id,
                             presence=_presence(request).model_dump(exclude_none=True),  # type: ignore[arg-type]
                             insurances=list(request.insurances),  # type: ignore[arg-type]
                             period_start=request.period_start if request.kind == "payment" else None,
                             period_end=request.period_end if request.kind == "payment" else None,
                             purpose=(request.purpose or "").strip() or None,
                             created_at=now.isoformat(timespec="milliseconds"))
    except PydanticError as exc:
        field = str(exc.errors()[0]["loc"][0]) if exc.errors() and exc.errors()[0]["loc"] else "certificate"
        message = {"period_start": "证明期间的起止年月有误：起始年月不能晚于截止年月。",
                   "purpose": "证明用途请用不超过 60 个字说明。"}.get(field, "证明申请的内容有误，请核对后重试。")
        raise ValidationError(field, message, hint="请修改后再出具。") from None


def issue_certificate(terminal: Terminal, clerk: ClerkInfo, request: CertificateRequest, *,
                      now: datetime | None = None) -> IssuedCertificate:
    """Issue a certificate at the central system, draw it, register the PDF's hash; audited.

    Raises ``ValidationError`` (``presence_problem``, a bad period), ``CertificateOffline`` when no central
    system answers, and the central system's refusal (a person not registered) as a ``SyncError``.
    """
    from app import certificate_render  # Qt loads only when a certificate is drawn

    require(clerk, Permission.ISSUE_CERTIFICATE)
    problem = presence_problem(request)
    if problem is not None:
        raise ValidationError("presence", problem, hint="证明只为到场本人或其授权代办人出具。")
    moment = now or datetime.now(UTC)
    body = _body(clerk, request, moment)
    if terminal.client is None:
        raise CertificateOffline("no central client configured",
                                 hint="本终端未配置中心系统，不能出具证明；请联系系统管理员。")
    client = terminal.client
    try:
        answer: CertificateOut = client.issue_certificate(body)
        issued = IssuedCertificate(code=answer.code, kind=answer.kind, issued_at=answer.issued_at,
                                   verify_url=answer.verify_url, facts=answer.facts,
                                   office_name=terminal.settings.office_name or "", presence=body.presence.kind)
        pdf = certificate_render.certificate_pdf(issued)
        client.register_certificate_document(answer.code, CertificateDocumentIn(
            sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf)))
    except CentralUnreachable as exc:
        raise CertificateOffline(str(exc)) from exc
    detail: dict[str, str | int] = {"code": answer.code, "kind": answer.kind, "presence": body.presence.kind}
    if request.agent is not None:
        detail["agent_relation"] = request.agent.relation
    if answer.kind == "payment" and body.period_start and body.period_end:
        detail["period"] = f"{body.period_start}/{body.period_end}"
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.ISSUE_CERTIFICATE, clerk.id, answer.code,
                                                  body.id_number, detail))
    return replace(issued, pdf=pdf)


def deliver_certificate(terminal: Terminal, clerk: ClerkInfo, certificate: IssuedCertificate,
                        target: QPrinter | Path) -> None:
    """The issued certificate to a file (exactly the registered bytes, so it verifies) or a printer.

    A printer set to PDF output also gets the registered bytes rather than a new drawing (a new drawing
    would be another file, which would not verify). Each copy is on the trail (``to``: file or printer).
    """
    from app import certificate_render
    from app.usecases.receipts import deliver

    require(clerk, Permission.ISSUE_CERTIFICATE)
    if not certificate.pdf:
        raise ConfigError("certificate without its document", user_message="证明文件尚未生成，不能打印或保存。",
                          hint="请重新出具证明。")
    terminal.audit.record(terminal.db, AuditEvent(
        AuditAction.ISSUE_CERTIFICATE, clerk.id, certificate.code, certificate.facts.id_number,
        {"code": certificate.code, "kind": certificate.kind,
         "to": "file" if isinstance(target, Path) else "printer"}))

    def write_registered(printer: QPrinter) -> None:
        from PySide6.QtPrintSupport import QPrinter as Printer

        if printer.outputFormat() == Printer.OutputFormat.PdfFormat and printer.outputFileName():
            write_bytes_whole(Path(printer.outputFileName()), certificate.pdf)
        else:
            certificate_render.print_certificate(certificate, printer)

    deliver(target, lambda: certificate.pdf, write_registered)

