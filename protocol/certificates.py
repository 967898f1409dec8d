"""参保证明 and 缴费证明 (issue 20): what a terminal asks for, what the central system certifies, and the
verification code a bank or employer checks.

The central system composes the facts from its registry and issues the code; the terminal draws the PDF
and registers its SHA-256 (``CertificateDocumentIn``), so a PDF with one byte changed no longer verifies.
Anyone holding the paper or the file checks it at the public ``/verify/{code}`` (no token), which shows the
facts masked.

A code is 16 random Crockford base-32 symbols (80 bits: not guessable, not enumerable) and one check symbol
(Luhn mod 32), printed in groups ``XXXX-XXXX-XXXX-XXXXC``. The check symbol catches every single mistyped
character and almost every swap of two neighbours, so a mistyped code is told apart from an unknown one
before any lookup. Reading is forgiving as Crockford meant it: lower case, spaces and hyphens are ignored,
O reads as 0, I and L as 1.
"""

from __future__ import annotations

import secrets
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

from protocol.lookup import ID_NUMBER_PATTERN, InsuranceCode
from protocol.models import MAX_TIME_LENGTH, PLAIN_TEXT, SHA256_PATTERN, Identifier, StampedIn, WireIn

#: Crockford's base-32 alphabet: digits and letters without I, L, O, U
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: random symbols in a code (5 bits each: 80 bits) and the check symbol after them
CODE_RANDOM = 16
CODE_LENGTH = CODE_RANDOM + 1
#: a code as typed or printed, before it is normalised (groups, spaces, lower case)
CODE_INPUT_PATTERN = r"^[0-9A-Za-z\- ]{17,40}$"
_READ_AS = {"O": "0", "I": "1", "L": "1"}

CertificateKind = Literal["insurance", "payment"]
KIND_LABELS: dict[str, str] = {"insurance": "参保证明", "payment": "缴费证明"}
#: who stood at the window: the holder with their social security card or ID card read, or an agent
#: (their own ID read, with a relation and the authorisation seen)
PresenceKind = Literal["card_read", "id_card_read", "agent"]
PRESENCE_LABELS: dict[str, str] = {"card_read": "本人到场（读取社会保障卡）",
                                   "id_card_read": "本人到场（读取居民身份证）",
                                   "agent": "代办人到场（读取代办人证件，查验授权委托书）"}
#: a 缴费证明 covers at most this many months (a whole working life: the registry starts in 1992)
MAX_PERIOD_MONTHS = 12 * 50
MONTH_PATTERN = r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$"
#: what a verification says; only ``valid`` means the certificate (and the file, when one was sent) is genuine
VerifyResult = Literal["valid", "malformed", "unknown", "revoked", "no_document", "document_mismatch"]
VERIFY_MESSAGES: dict[str, str] = {
    "valid": "验证通过：本证明由社会保险经办机构出具，内容与中心系统记录一致。",
    "malformed": "验证码有误（校验位不符），可能输入有误：请逐位核对证明上的验证码后重新输入。",
    "unknown": "查无此验证码：本证明不是中心系统出具的，请向持证人或出具机构核实。",
    "revoked": "本证明已作废，不能作为参保或缴费的证明。",
    "no_document": "本证明出具未完成（未登记证明文件），不能作为证明使用。",
    "document_mismatch": "文件与出具时的证明不一致（文件已被改动）：请以经办机构出具的原件为准。",
}


# -- the verification code -----------------------------------------------------------------------------------

def _check_symbol(symbols: str) -> str:
    """Luhn mod 32 over ``symbols`` (Crockford values): the symbol that makes the whole sum 0."""
    factor, total = 2, 0
    for char in reversed(symbols):
        addend = factor * ALPHABET.index(char)
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def new_code(token: bytes | None = None) -> str:
    """A fresh normalised code (17 symbols, no hyphens) from 10 random bytes (``token`` for tests)."""
    raw = token if token is not None else secrets.token_bytes(10)
    number = int.from_bytes(raw[:10], "big")
    body = "".join(ALPHABET[(number >> (5 * index)) & 31] for index in reversed(range(CODE_RANDOM)))
    return body + _check_symbol(body)


def normalise_code(text: str) -> str | None:
    """The code in its stored form (upper case, no hyphens, O/I/L read as 0/1), or None when it cannot be
    one (wrong length, a character outside the alphabet). The check symbol is not checked here."""
    cleaned = "".join(_READ_AS.get(char, char) for char in text.upper() if char not in "- ")
    if len(cleaned) != CODE_LENGTH or any(char not in ALPHABET for char in cleaned):
        return None
    return cleaned


def code_well_formed(code: str) -> bool:
    """Whether a normalised code's check symbol agrees with its body (a mistyped code does not)."""
    return len(code) == CODE_LENGTH and _check_symbol(code[:-1]) == code[-1]


def format_code(code: str) -> str:
    """``XXXX-XXXX-XXXX-XXXXC``: how a code is printed and read aloud."""
    return "-".join((code[0:4], code[4:8], code[8:12], code[12:]))


# -- the request ---------------------------------------------------------------------------------------------

class PresenceIn(WireIn):
    """Who asked at the window. The certificate is printed only for the person present or their agent."""

    kind: PresenceKind
    agent_relation: str | None = Field(default=None, max_length=32, pattern=r"^[a-z_]+$",
                                       description="forms.agent_section.RELATIONS key; required for an agent")

    @model_validator(mode="after")
    def _agent_has_relation(self) -> Self:
        if (self.kind == "agent") != (self.agent_relation is not None):
            raise ValueError("an agent needs agent_relation, and only an agent has one")
        return self


class CertificateIn(StampedIn):
    """``POST /v1/certificates``: issue a certificate about one person (the facts come from the registry)."""

    id: str = Field(description="terminal-made UUID version 4; the same id with the same body is answered again")
    kind: CertificateKind
    id_number: str = Field(pattern=ID_NUMBER_PATTERN)
    clerk_id: str = Identifier
    presence: PresenceIn
    insurances: list[InsuranceCode] = Field(default_factory=list, max_length=5,
                                            description="the insurances to certify; empty: every one on record")
    period_start: str | None = Field(default=None, pattern=MONTH_PATTERN, description="缴费证明: first month")
    period_end: str | None = Field(default=None, pattern=MONTH_PATTERN, description="缴费证明: last month")
    purpose: str | None = Field(default=None, min_length=1, max_length=60, pattern=PLAIN_TEXT,
                                description="what the certificate is for (用途), printed on it")
    created_at: str = Field(max_length=MAX_TIME_LENGTH)


    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.kind == "payment":
            if self.period_start is None or self.period_end is None:
                raise ValueError("a payment certificate needs period_start and period_end")
            if self.period_start > self.period_end:
                raise ValueError("period_start is after period_end")
            if months_between(self.period_start, self.period_end) > MAX_PERIOD_MONTHS:
                raise ValueError(f"a period of at most {MAX_PERIOD_MONTHS} months")
        elif self.period_start is not None or self.period_end is not None:
            raise ValueError("only a payment certificate has a period")
        if len(set(self.insurances)) != len(self.insurances):
            raise ValueError("an insurance is named twice")
        return self


def months_between(first: str, last: str) -> int:
    """Months from ``first`` to ``last`` (YYYY-MM), both counted."""
    (y1, m1), (y2, m2) = (map(int, first.split("-")), map(int, last.split("-")))
    return (y2 - y1) * 12 + (m2 - m1) + 1


class CertificateDocumentIn(WireIn):
    """``PUT /v1/certificates/{code}/document``: the SHA-256 of the PDF the terminal drew, registered once."""

    sha256: str = Field(pattern=SHA256_PATTERN)
    size: int = Field(ge=1, le=16 * 1024 * 1024)


# -- the answer ----------------------------------------------------------------------------------------------

class CertifiedInsurance(BaseModel):
    """参保证明's row: one insurance, its state, since when, at which unit, months paid in all."""

    insurance: str
    status: str = Field(description="insured, suspended, stopped (protocol.lookup.INSURED_STATUS_LABELS)")
    since: str | None = None
    unit_name: str | None = Field(default=None, description="none: as a flexible worker")
    months: int = Field(ge=0)


class CertifiedPeriod(BaseModel):
    """缴费证明's row: months paid for one insurance within the period at one base and unit."""

    insurance: str
    start_month: str
    end_month: str
    months: int = Field(ge=0)
    base: str = Field(description="monthly base in yuan, two decimals")
    unit_name: str | None = None


class CertifiedTotal(BaseModel):
    insurance: str
    months: int = Field(ge=0, description="months paid within the period")


class CertificateFacts(BaseModel):
    """What the certificate states, as the registry had it when it was issued."""

    kind: str
    name: str
    id_number: str
    sex: str
    insured_category: str | None = None
    employer_name: str | None = Field(default=None, description="the current unit")
    insurances: list[CertifiedInsurance] = []
    period_start: str | None = None
    period_end: str | None = None
    periods: list[CertifiedPeriod] = []
    totals: list[CertifiedTotal] = []
    purpose: str | None = None
    as_of: str


class CertificateOut(BaseModel):
    id: str
    code: str = Field(description="normalised: 17 symbols, no hyphens (format_code prints it in groups)")
    kind: str
    issued_at: str
    verify_url: str = Field(description="where the public checks it (the QR code holds this)")
    facts: CertificateFacts
    document_sha256: str | None = None
    revoked: bool = False


class VerifyOut(BaseModel):
    """``GET /verify/{code}`` and ``POST /verify/{code}`` (the PDF as the body): the public answer."""

    code: str = Field(description="as normalised, or as sent when it could not be")
    result: str = Field(description="valid, malformed, unknown, revoked, no_document, document_mismatch")
    valid: bool
    message: str
    kind: str | None = None
    issued_at: str | None = None
    name_masked: str | None = None
    id_number_masked: str | None = None
    #: the certified facts in lines, masked where they name the person ("企业职工基本养老保险：参保缴费，2008-03 起")
    lines: list[str] = []
    document_checked: bool = Field(default=False, description="true: a file was sent and its hash compared")
