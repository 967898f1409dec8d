"""参保证明 / 缴费证明 from the terminal (issue 20, item 4), through a real central process over HTTP.

The certificate is issued only for the person present (their card read) or their authorised agent; the PDF the
terminal draws holds the facts and the code as text, its QR code (read off the rasterised PDF page) is the
verification address, and the central system verifies exactly those bytes.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pypdf
import pytest

from app.cards import IdentityReading
from app.certificates import IssuedCertificate
from app.permissions import PermissionDenied
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import Terminal, build_terminal
from app.usecases.certificate import (
    AgentPresence,
    CertificateOffline,
    CertificateRequest,
    deliver_certificate,
    issue_certificate,
)
from central.process import CentralServerProcess
from central.store import add_terminal
from core.errors import SyncError, ValidationError
from local_db.clerks import ClerkInfo, Role
from protocol.certificates import format_code
from tests.central.registry_rows import AGENT, HOLDER, LOST_CARD, UNIT_NAME, add_registry

from .conftest import CLERK, TERMINAL_ID, make_central_key

CARD = IdentityReading(source="社保卡", name="王建国", id_number=HOLDER)
AGENT_CARD = IdentityReading(source="居民身份证", name="王小梅", id_number=AGENT)


def rasterise(pdf: bytes, dpi: int = 200) -> np.ndarray[Any, Any]:
    """The PDF's first page as a grey image, drawn by PDFium (not by our own painter)."""
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=dpi / 72, grayscale=True).to_numpy()
    return np.asarray(image[..., 0] if image.ndim == 3 else image)


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")


@pytest.fixture(scope="module")
def online(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CentralServerProcess, Terminal]]:
    """One central process with the registry rows and one terminal for the module (each test looks only at
    what it issued itself)."""
    root = tmp_path_factory.mktemp("certificates")
    central_db = root / "central.sqlite3"
    add_registry(central_db)
    key = make_central_key(root / "central-keyring")
    server = CentralServerProcess.start(central_db, stderr_path=root / "central.log", extra_args=key.serve_args())
    secrets = SecretStore(file_keyring(root / "keyring"))
    secrets.set_terminal_token(add_terminal(central_db, TERMINAL_ID))
    terminal = build_terminal(Settings(central_url=server.base_url, terminal_id=TERMINAL_ID,
                                       central_signing_key=key.public_key, office_name="测试大厅",
                                       data_dir=root / "terminal",
                                       devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")),
                              secrets, start_sender=False)
    try:
        yield server, terminal
    finally:
        terminal.close()
        server.stop()


def _verify(server: CentralServerProcess, code: str, pdf: bytes | None = None) -> dict[str, Any]:
    url = f"{server.base_url}/verify/{code}"
    answer = (httpx.post(url, content=pdf, params={"format": "json"}) if pdf is not None
              else httpx.get(url, params={"format": "json"}))
    return answer.json()  # type: ignore[no-any-return]


def _entries(terminal: Terminal, code: str | None = None) -> list[Any]:
    """The trail's certificate entries (of one code)."""
    return [e for e in terminal.audit.find(terminal.db)
            if e.action == "issue_certificate" and (code is None or e.subject == code)]


def test_an_insurance_certificate_for_the_person_present_verifies(
        qapp: Any, online: tuple[CentralServerProcess, Terminal], tmp_path: Path) -> None:
    server, terminal = online
    issued = issue_certificate(terminal, CLERK, CertificateRequest("insurance", HOLDER, holder=CARD,
                                                                   purpose="购房"))
    text = pdf_text(issued.pdf)
    for expected in ("社会保险参保证明", "王建国", HOLDER, "企业职工基本养老保险", "参保缴费", "2008-03", UNIT_NAME,
                     str(94 + 128), format_code(issued.code), "购房", "测试大厅", "业务专用章"):
        assert expected in text, expected
    assert _verify(server, issued.code, issued.pdf)["result"] == "valid"
    saved = tmp_path / "certificate.pdf"
    deliver_certificate(terminal, CLERK, issued, saved)
    assert saved.read_bytes() == issued.pdf
    cli = subprocess.run([sys.executable, "-m", "central", "verify", format_code(issued.code), "--file", str(saved),
                          "--db", str(server.db_path)], capture_output=True, text=True, timeout=60, check=False)
    assert cli.returncode == 0, cli.stdout + cli.stderr


def test_the_qr_code_on_the_pdf_page_is_the_verification_address(
        qapp: Any, online: tuple[CentralServerProcess, Terminal]) -> None:
    server, terminal = online
    issued = issue_certificate(terminal, CLERK, CertificateRequest("insurance", HOLDER, holder=CARD))
    # the ArUco-based detector, as the scanner's own code reader locates codes (devices/scan/codes.py): the
    # classic one misses a few percent of clean, well-printed codes, depending on their content
    decoded, _points, _straight = cv2.QRCodeDetectorAruco().detectAndDecode(rasterise(issued.pdf))
    assert decoded == f"{server.base_url}/verify/{issued.code}" == issued.verify_url
    assert httpx.get(decoded, params={"format": "json"}).json()["result"] == "valid"


def test_a_changed_byte_in_the_pdf_fails_verification(qapp: Any, online: tuple[CentralServerProcess, Terminal],
                                                      tmp_path: Path) -> None:
    server, terminal = online
    issued = issue_certificate(terminal, CLERK, CertificateRequest("insurance", HOLDER, holder=CARD))
    changed = bytearray(issued.pdf)
    at = bytes(changed).index(b"/Title")  # anywhere at all: here a byte of the document's metadata
    changed[at + 8] ^= 0x01
    assert _verify(server, issued.code, bytes(changed))["result"] == "document_mismatch"
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(bytes(changed))
    cli = subprocess.run([sys.executable, "-m", "central", "verify", issued.code, "--file", str(altered),
                          "--db", str(server.db_path)], capture_output=True, text=True, timeout=60, check=False)
    assert cli.returncode == 1 and cli.stdout.startswith("document_mismatch")


def test_a_changed_character_in_the_code_fails(qapp: Any, online: tuple[CentralServerProcess, Terminal]) -> None:
    server, terminal = online
    issued = issue_certificate(terminal, CLERK, CertificateRequest("insurance", HOLDER, holder=CARD))
    typed = format_code(issued.code)
    wrong = typed[:6] + ("A" if typed[6] != "A" else "B") + typed[7:]
    answer = _verify(server, wrong)
    assert answer["result"] == "malformed" and not answer["valid"]


def test_a_payment_certificate_states_the_months_of_the_period(
        qapp: Any, online: tuple[CentralServerProcess, Terminal]) -> None:
    server, terminal = online
    issued = issue_certificate(terminal, CLERK, CertificateRequest(
        "payment", HOLDER, holder=CARD, insurances=("pension", "medical"), period_start="2025-01",
        period_end="2025-12"))
    text = pdf_text(issued.pdf)
    for expected in ("社会保险缴费证明", "2025-01 至 2025-12", "养老、医疗", "5200.00", "企业职工基本养老保险 12 个月",
                     "职工基本医疗保险 12 个月"):
        assert expected in text, expected
    assert "失业保险" not in text
    assert _verify(server, issued.code, issued.pdf)["lines"][1] == "企业职工基本养老保险：期间内实际缴费 12 个月"


def test_refused_without_the_persons_card_read(qapp: Any, online: tuple[CentralServerProcess, Terminal]) -> None:
    _server, terminal = online
    with pytest.raises(ValidationError) as refused:
        issue_certificate(terminal, CLERK, CertificateRequest("insurance", HOLDER))
    assert "到场的本人" in refused.value.user_message
    before = len(_entries(terminal))
    someone_else = IdentityReading(source="社保卡", name="王小梅", id_number=AGENT)
    with pytest.raises(ValidationError) as other:
        issue_certificate(terminal, CLERK, CertificateRequest("insurance", HOLDER, holder=someone_else))
    assert "不是证明对象本人" in other.value.user_message
    assert len(_entries(terminal)) == before


def test_an_authorised_agent_may_have_it_printed(qapp: Any, online: tuple[CentralServerProcess, Terminal]) -> None:
    server, terminal = online
    issued = issue_certificate(terminal, CLERK, CertificateRequest(
        "insurance", HOLDER, agent=AgentPresence(AGENT_CARD, "child", authorisation_seen=True)))
    assert issued.presence == "agent" and _verify(server, issued.code, issued.pdf)["valid"]
    [entry] = _entries(terminal, issued.code)
    assert entry.detail == {"code": issued.code, "kind": "insurance", "presence": "agent", "agent_relation": "child"}
    assert entry.person_key and HOLDER not in str(entry.detail) and entry.subject == issued.code


def test_an_agent_without_the_authorisation_seen_is_refused(
        qapp: Any, online: tuple[CentralServerProcess, Terminal]) -> None:
    _server, terminal = online
    with pytest.raises(ValidationError) as refused:
        issue_certificate(terminal, CLERK, CertificateRequest(
            "insurance", HOLDER, agent=AgentPresence(AGENT_CARD, "child", authorisation_seen=False)))
    assert "授权委托书" in refused.value.user_message
    with pytest.raises(ValidationError):  # the agent's own card must not be the subject's
        issue_certificate(terminal, CLERK, CertificateRequest(
            "insurance", HOLDER, agent=AgentPresence(CARD, "child", authorisation_seen=True)))


def test_offline_it_says_a_certificate_needs_the_central_system(
        qapp: Any, make_terminal: Callable[..., Terminal]) -> None:
    from .conftest import free_port

    terminal = make_terminal(f"http://127.0.0.1:{free_port()}", start_sender=False, central_timeout=2.0)
    with pytest.raises(CertificateOffline) as offline:
        issue_certificate(terminal, CLERK, CertificateRequest("insurance", HOLDER, holder=CARD))
    assert offline.value.user_message == "未能连接中心系统，无法出具证明。" and "网络恢复后" in offline.value.hint
    assert _entries(terminal) == []  # a terminal of its own


def test_only_the_front_desk_issues_certificates(qapp: Any, online: tuple[CentralServerProcess, Terminal]) -> None:
    _server, terminal = online
    reviewer = ClerkInfo("2001", "复核员", frozenset({Role.REVIEW}))
    with pytest.raises(PermissionDenied):
        issue_certificate(terminal, reviewer, CertificateRequest("insurance", HOLDER, holder=CARD))


def test_saving_through_a_pdf_printer_writes_the_registered_bytes(
        qapp: Any, online: tuple[CentralServerProcess, Terminal], tmp_path: Path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    server, terminal = online
    issued: IssuedCertificate = issue_certificate(terminal, CLERK, CertificateRequest("insurance", HOLDER, holder=CARD))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    deliver_certificate(terminal, CLERK, issued, printer)
    printed = (tmp_path / "printed.pdf").read_bytes()
    assert printed == issued.pdf and _verify(server, issued.code, printed)["valid"]
    assert [e.detail.get("to") for e in _entries(terminal, issued.code)] == [None, "printer"]


def test_a_card_reported_lost_is_refused_with_what_to_do(
        qapp: Any, online: tuple[CentralServerProcess, Terminal]) -> None:
    _server, terminal = online
    lost = IdentityReading(source="社保卡", name="李秀英", id_number=LOST_CARD)
    with pytest.raises(SyncError) as refused:
        issue_certificate(terminal, CLERK, CertificateRequest("insurance", LOST_CARD, holder=lost))
    assert "已挂失" in refused.value.user_message and "居民身份证" in refused.value.hint
