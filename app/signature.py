"""The applicant's (or agent's) signature at the counter: who signs, sealing it, reading it back (issue 19).

A signature is a PNG drawn on the signature pad (``app.ui.signature_pad``). It is sealed like a scan (the
encrypted blob store, ``app.scans``) and recorded with the submission in the same transaction as an
attachment with the reserved key ``SIGNATURE_KEY``, so it reaches the central system the way scans do.
Who signs is not stored apart: it follows from the case's values (an agent named means the agent signs; a
witness recorded there, ``forms.signature.WITNESS_KEY``, signed for an applicant who could not), so the
receipt, its reprint and the case view say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.permissions import Permission, require
from app.terminal import Terminal
from core.errors import ConfigError, CounterError, ValidationError
from forms.definitions import FormDef
from forms.signature import SIGNER_LABELS, Signer, signer_of, witness_note, witness_of
from local_db.clerks import ClerkInfo
from local_db.submissions import AttachmentData, SubmissionView, get_submission
from protocol.body import SIGNATURE_KEY

__all__ = ["SIGNATURE_KEY", "SIGNER_LABELS", "CaseSignature", "Signer", "case_signature", "check_signature_png",
           "seal_signature", "signature_png", "signer_of"]

#: the largest signature PNG taken: a 600x200 two-colour image is a few kilobytes; anything far larger is
#: not a signature from our pad
MAX_SIGNATURE_BYTES = 512 * 1024
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def check_signature_png(png: bytes) -> None:
    """Refuse what is not a signature image from the pad (not a PNG, or far too large)."""
    if not png.startswith(_PNG_MAGIC) or len(png) > MAX_SIGNATURE_BYTES:
        raise ValidationError("signature", "签字图像无效。", hint="请让申请人重新签字。")


def seal_signature(terminal: Terminal, png: bytes) -> AttachmentData:
    """Store the signature encrypted under its hash, as a scan is; the submission records the reference."""
    check_signature_png(png)
    if terminal.blobs is None:
        raise ConfigError("no blob store (no keyring key)",
                          user_message="本机没有可用的系统密钥库，签字无法加密保存。",
                          hint="请联系系统管理员启用系统密钥库后再受理需签字的业务。")
    ref = terminal.blobs.put(png)
    return AttachmentData(material_key=SIGNATURE_KEY, sha256=ref.sha256, size=ref.size, pages=1,
                          media_type="image/png")


def signature_png(terminal: Terminal, view: SubmissionView) -> bytes | None:
    """The case's signature, decrypted; None when it has none (or the store is not available)."""
    attachment = next((a for a in view.attachments if a.material_key == SIGNATURE_KEY), None)
    if attachment is None or terminal.blobs is None:
        return None
    return terminal.blobs.get(attachment.sha256)


@dataclass(frozen=True)
class CaseSignature:
    """A case's signature for the case view: the image and who signed."""

    png: bytes
    signer_label: str
    #: a witness's signature: who could not sign, why, and who signed for them (``forms.signature``)
    note: str | None = None


def case_signature(terminal: Terminal, clerk: ClerkInfo, submission_id: str) -> CaseSignature | None:
    """The signature of a case for the case view (``Permission.VIEW_CASE``); None when it has none."""
    require(clerk, Permission.VIEW_CASE)
    view = get_submission(terminal.db, submission_id)
    if view is None or view.purged:
        return None
    png = signature_png(terminal, view)
    if png is None:
        return None
    try:
        form: FormDef | None = terminal.reference.form(view.item_code)
    except CounterError:
        form = None
    witness = witness_of(view.payload) if signer_of(form, view.payload) == "witness" else None
    return CaseSignature(png, SIGNER_LABELS[signer_of(form, view.payload)],
                         witness_note(witness, view.applicant_name or "") if witness is not None else None)
