"""The receipt as PDF, image and printout: one page, searchable text, a scannable QR code, no full ID."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pypdf
import pytest
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from app.receipt_render import fix_to_unicode, print_receipt, receipt_image, receipt_pdf
from forms.receipt import Receipt, ReceivedMaterial, build_receipt
from forms.rules.deadlines import load_calendar

APPLICANT_ID = "110105199001011234"
AGENT_ID = "11010519850202345X"
BEIJING = timezone(timedelta(hours=8))
LONG_BASIS = ("《社会保险经办条例》第十八条及人力资源社会保障部关于进一步规范社会保险经办服务事项"
              "办理时限有关问题的通知第三条第二款规定执行")
MATERIALS = (
    ReceivedMaterial("居民身份证或社会保障卡", 2),
    ReceivedMaterial("居民户口簿", 3),
    ReceivedMaterial("退休人员基本信息表", 1),
    ReceivedMaterial("劳动合同或工资发放记录复印件", 0, "已通过数据共享核验"),
)


def make(**overrides: Any) -> Receipt:
    args: dict[str, Any] = {
        "receipt_no": "SB20250926-0001-7Q",
        "office_name": "北京市朝阳区社会保险事业管理中心",
        "item_name": "城镇职工基本养老保险退休核准",
        "applicant_name": "张三",
        "applicant_id_number": APPLICANT_ID,
        "received_at": datetime(2025, 9, 26, 10, 30, tzinfo=BEIJING),
        "materials": MATERIALS,
        "time_limit_days": 20,
        "time_limit_basis": "《社会保险经办条例》第十八条",
        "calendar": load_calendar(),
        "clerk_name": "王五",
        "clerk_id": "C0042",
    }
    args.update(overrides)
    return build_receipt(**args)


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text with line breaks removed.

    pypdf starts a new line wherever Qt starts a new text item (e.g. between "5" and "X", or where a
    value wraps), so a value is only reliably found in the text with the breaks taken out."""
    return [page.extract_text().replace("\n", "") for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def decode_qr(image: QImage) -> str:
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    array = np.frombuffer(gray.constBits(), dtype=np.uint8).reshape(gray.height(), gray.bytesPerLine())
    # the ArUco-based detector (as devices/scan/codes.py locates codes): the classic one misses a few
    # percent of clean codes, depending on their content
    text, _points, _straight = cv2.QRCodeDetectorAruco().detectAndDecode(array[:, :gray.width()].copy())
    return str(text)


def test_pdf_is_one_searchable_page(qapp: QApplication) -> None:
    receipt = make(agent_name="李四", agent_id_number=AGENT_ID)
    data = receipt_pdf(receipt)
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.metadata is not None
    assert reader.metadata.title == receipt.receipt_no
    assert reader.metadata.creator == "sicounter"
    [text] = pdf_pages(data)
    for expected in (receipt.receipt_no, "社会保险业务受理回执", receipt.item_name, "110*************34",
                     "110*************5X", "2025-10-30", "20个工作日", "《社会保险经办条例》第十八条",
                     receipt.office_name, "王五", "C0042", "2025-09-26 10:30", "咨询电话：12333",
                     "居民身份证或社会保障卡　2 页", "免于提交（原因：已通过数据共享核验）",
                     *(material.name for material in MATERIALS)):
        assert expected in text
    assert "本机受理" not in text  # online receipts say nothing about offline acceptance
    for secret in (APPLICANT_ID, AGENT_ID, "19900101", "19850202"):
        assert secret not in text
        assert secret.encode() not in data


def test_pdf_text_has_no_radical_lookalikes(qapp: QApplication) -> None:
    # Qt alone would map 工/日/民/身/页 to Kangxi/supplement radicals and the digits to nothing
    [text] = pdf_pages(receipt_pdf(make()))
    assert not [ch for ch in text if 0x2E80 <= ord(ch) <= 0x2FDF or ord(ch) < 0x20]
    assert "居民身份证" in text and "工作日" in text


def test_qr_code_decodes_to_receipt_number(qapp: QApplication) -> None:
    receipt = make()
    assert decode_qr(receipt_image(receipt)) == receipt.receipt_no


def test_qr_code_scannable_at_preview_resolution(qapp: QApplication) -> None:
    receipt = make(receipt_no="SB20251231-9999-ZX")
    assert decode_qr(receipt_image(receipt, dpi=96)) == receipt.receipt_no


def test_long_receipt_still_one_page(qapp: QApplication) -> None:
    materials = [ReceivedMaterial(f"第{i}项材料：用人单位出具的与本人劳动关系相关的证明材料原件及复印件", i)
                 for i in range(1, 9)]
    receipt = make(materials=materials, time_limit_basis=LONG_BASIS, agent_name="李四", agent_id_number=AGENT_ID,
                   offline=True)
    assert len(LONG_BASIS) >= 60
    [flat] = pdf_pages(receipt_pdf(receipt))
    for material in materials:
        assert material.name in flat
    assert LONG_BASIS in flat
    # pypdf reads the wider bold advance as a word gap and inserts a space ("本 业务"): not in the PDF's text
    assert "本业务已在本机受理并加密保存，网络恢复后自动报送中心系统。" in flat.replace(" ", "")
    assert "请妥善保管本回执" in flat


def test_very_long_receipt_shrinks_instead_of_clipping(qapp: QApplication) -> None:
    materials = [ReceivedMaterial(f"第{i}项：与本次申请事项相关的其他证明材料（原件核验后退回，复印件留存）", 1)
                 for i in range(1, 31)]
    receipt = make(materials=materials, time_limit_basis=LONG_BASIS, offline=True)
    [flat] = pdf_pages(receipt_pdf(receipt))
    for material in materials:
        assert material.name in flat
    assert "咨询电话：12333" in flat


def test_no_time_limit_is_printed(qapp: QApplication) -> None:
    basis = "《社会保险经办条例》第十九条（及时核实、按规定核定发放，未规定办理天数）"
    receipt = make(time_limit_days=None, time_limit_basis=basis)
    [text] = pdf_pages(receipt_pdf(receipt))
    assert basis in text
    assert "预计办结日期" not in text


def test_image_is_a4_at_the_requested_dpi(qapp: QApplication) -> None:
    image = receipt_image(make(), dpi=150)
    assert (image.width(), image.height()) == (1240, 1754)


def test_print_to_pdf_printer(qapp: QApplication, tmp_path: Path) -> None:
    receipt = make()
    target = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    print_receipt(receipt, printer)
    [text] = pdf_pages(target.read_bytes())
    assert receipt.receipt_no in text
    assert "居民身份证或社会保障卡" in text
    assert APPLICANT_ID not in text


def test_fix_leaves_pdfs_without_maps_alone(qapp: QApplication) -> None:
    assert fix_to_unicode(b"%PDF-1.4\n%%EOF\n", ["x"]) == b"%PDF-1.4\n%%EOF\n"


@pytest.mark.parametrize("dpi", [72, 300])
def test_layout_scales_with_resolution(qapp: QApplication, dpi: int) -> None:
    receipt = make()
    assert decode_qr(receipt_image(receipt, dpi=dpi)) == receipt.receipt_no
