"""The certificate's pages (app/certificate_render.py), from facts built here: one page for the usual case, more
pages for a long 缴费证明 rather than text too small to read, every row and the code on them, the QR code on the
first page read off the PDF as PDFium draws it."""

from __future__ import annotations

import io
from typing import Any

import cv2
import pypdf
import pytest

from app.certificate_render import certificate_image, certificate_pdf, page_count
from app.certificates import IssuedCertificate
from protocol.certificates import CertificateFacts, CertifiedPeriod, CertifiedTotal, format_code, new_code

from .test_certificate import pdf_text, rasterise

CODE = new_code(bytes(range(10)))
URL = f"https://si.example.gov.cn/verify/{CODE}"


def _payment(years: int) -> IssuedCertificate:
    """A 缴费证明 over ``years`` years, the base changing each year (a row per year)."""
    periods = [CertifiedPeriod(insurance=code, start_month=f"{1996 + n}-01", end_month=f"{1996 + n}-12", months=12,
                               base=f"{1800 + 150 * n}.00", unit_name="西安市秦川机械有限公司")
               for n in range(years) for code in ("pension", "medical", "unemployment")]
    facts = CertificateFacts(kind="payment", name="王建国", id_number="610102197003050016", sex="male",
                             period_start="1996-01", period_end=f"{1995 + years}-12", periods=periods,
                             totals=[CertifiedTotal(insurance=c, months=12 * years)
                                     for c in ("pension", "medical", "unemployment")],
                             as_of="2026-12-06T01:00:00+00:00")
    return IssuedCertificate(code=CODE, kind="payment", issued_at="2026-12-06T01:00:00+00:00", verify_url=URL,
                             facts=facts, office_name="铜川市社会保险经办中心", presence="card_read")


def test_a_few_years_fit_one_page(qapp: Any) -> None:
    certificate = _payment(3)
    pdf = certificate_pdf(certificate)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1 == page_count(certificate)
    assert "第 1 页" not in pdf_text(pdf)


def test_a_working_life_goes_on_to_more_pages_with_every_row_and_the_code(qapp: Any) -> None:
    certificate = _payment(30)
    pdf = certificate_pdf(certificate)
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == page_count(certificate) >= 2
    text = pdf_text(pdf)
    for n in range(30):
        assert f"{1996 + n}-01 至 {1996 + n}-12" in text and f"{1800 + 150 * n}.00" in text
    for number in range(1, len(pages) + 1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text
    assert text.count(f"验证码 {format_code(CODE)}") == len(pages)
    assert "社会保险缴费证明（续）" in pages[1].extract_text().replace("\n", "")
    assert "特此证明" in pages[-1].extract_text() and "特此证明" not in pages[0].extract_text()
    decoded, _points, _straight = cv2.QRCodeDetector().detectAndDecode(rasterise(pdf))
    assert decoded == URL


@pytest.mark.parametrize("years", [3, 30])
def test_the_preview_shows_every_page(qapp: Any, years: int) -> None:
    certificate = _payment(years)
    image = certificate_image(certificate, dpi=60)
    page_height = round(297 / 25.4 * 60)
    assert image.height() >= page_height * page_count(certificate)
