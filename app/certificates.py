"""A 参保证明 / 缴费证明 as the terminal holds it once issued (issue 20): the value the window, the renderer and
the tests read. No Qt here; ``app.certificate_render`` draws it.

The facts are the central system's (``protocol.certificates.CertificateFacts``); the texts here say them the
way the certificate prints them. A 缴费证明's stretches that share months, base and unit across insurances
(an employee is insured for all five at once) become one row naming the insurances, so a working life fits
one page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.errors import mask_id_number
from forms.receipt import CHINA_TZ, DEFAULT_OFFICE_NAME
from protocol.certificates import KIND_LABELS, PRESENCE_LABELS, CertificateFacts, format_code
from protocol.lookup import INSURANCE_LABELS, INSURED_STATUS_LABELS

__all__ = ["INSURANCE_CHOICES", "KIND_TITLES", "IssuedCertificate", "insurance_label"]

#: the five insurances the screen offers, in the platform's order: code -> label
INSURANCE_CHOICES: dict[str, str] = dict(INSURANCE_LABELS)
KIND_TITLES = {"insurance": "社会保险参保证明", "payment": "社会保险缴费证明"}
SEX_LABELS = {"male": "男", "female": "女"}
CATEGORY_LABELS = {"employee": "单位职工", "flexible": "灵活就业人员"}
_SHORT = {"pension": "养老", "medical": "医疗", "unemployment": "失业", "injury": "工伤", "maternity": "生育"}


def insurance_label(code: str) -> str:
    return INSURANCE_LABELS.get(code, code)


@dataclass(frozen=True)
class IssuedCertificate:
    """One certificate issued for the person at the window: its code, facts, and the PDF whose hash the central
    system registered (the file saved is exactly these bytes, or it would not verify)."""

    code: str
    kind: str
    issued_at: str
    verify_url: str
    facts: CertificateFacts
    office_name: str
    #: who asked: card_read, id_card_read or agent (protocol.certificates.PRESENCE_LABELS)
    presence: str
    pdf: bytes = b""

    @property
    def title(self) -> str:
        return KIND_TITLES.get(self.kind, KIND_LABELS.get(self.kind, self.kind))

    @property
    def code_text(self) -> str:
        return format_code(self.code)

    @property
    def office(self) -> str:
        return self.office_name or DEFAULT_OFFICE_NAME

    def issued_local(self) -> datetime:
        return datetime.fromisoformat(self.issued_at).astimezone(CHINA_TZ)

    def date_text(self) -> str:
        moment = self.issued_local()
        return f"{moment.year}年{moment.month}月{moment.day}日"

    def as_of_text(self) -> str:
        moment = datetime.fromisoformat(self.facts.as_of).astimezone(CHINA_TZ)
        return f"{moment.year}年{moment.month}月{moment.day}日"

    def masked_summary(self) -> str:
        """For the window's notices: name and masked number, never the full one."""
        return f"{self.facts.name}（{mask_id_number(self.facts.id_number)}）"

    def presence_text(self) -> str:
        return PRESENCE_LABELS.get(self.presence, self.presence)

    def opening(self) -> str:
        """The sentence that says whom the certificate is about (the full ID number: it is their document)."""
        facts = self.facts
        who = (f"{facts.name}（公民身份号码：{facts.id_number}，性别：{SEX_LABELS.get(facts.sex, facts.sex)}）")
        if self.kind == "payment":
            return (f"兹证明 {who} 于 {facts.period_start} 至 {facts.period_end} 期间"
                    "缴纳社会保险费的情况如下：")
        category = CATEGORY_LABELS.get(facts.insured_category or "", "")
        as_what = f"以{category}身份" if category else ""
        return f"兹证明 {who} {as_what}在本统筹地区参加社会保险，参保情况如下："

    def table(self) -> tuple[list[str], list[list[str]]]:
        """The certificate's table: its header and rows."""
        if self.kind == "payment":
            header = ["险种", "起止年月", "缴费月数", "缴费基数（元）", "缴费单位"]
            merged: dict[tuple[str, str, int, str, str], list[str]] = {}
            for row in self.facts.periods:
                key = (row.start_month, row.end_month, row.months, row.base, row.unit_name or "灵活就业（个人缴费）")
                merged.setdefault(key, []).append(row.insurance)
            rows = [["、".join(_SHORT.get(code, code) for code in codes), f"{start} 至 {end}", str(months), base,
                     unit] for (start, end, months, base, unit), codes in merged.items()]
            return header, rows or [["—", "期间内无缴费记录", "0", "—", "—"]]
        header = ["险种", "参保状态", "参保起始年月", "参保单位", "累计缴费月数"]
        rows = [[insurance_label(row.insurance), INSURED_STATUS_LABELS.get(row.status, row.status), row.since or "—",
                 row.unit_name or "灵活就业（个人缴费）", str(row.months)] for row in self.facts.insurances]
        return header, rows or [["—", "无参保记录", "—", "—", "0"]]

    def closing(self) -> list[str]:
        """The lines under the table: totals (缴费证明), current unit, purpose, and how current the facts are."""
        lines = []
        if self.kind == "payment" and self.facts.totals:
            lines.append("期间内实际缴费月数：" + "；".join(
                f"{insurance_label(t.insurance)} {t.months} 个月" for t in self.facts.totals))
        if self.kind == "insurance" and self.facts.employer_name:
            lines.append(f"现参保单位：{self.facts.employer_name}。")
        if self.facts.purpose:
            lines.append(f"证明用途：{self.facts.purpose}。")
        lines.append(f"以上信息依据社会保险信息系统记录，截至 {self.as_of_text()}。")
        lines.append("特此证明。")
        return lines

    def verification_lines(self) -> list[str]:
        return [f"验证码：{self.code_text}",
                f"验证方式：扫描右上角二维码，或访问 {self.verify_url}",
                "电子文件可在验证页面提交核验；文件经任何改动均无法通过验证。"]
