"""The certificate screen (参保证明打印, 缴费证明打印; issue 20): read the card, choose, issue, preview, print or save.

The clerk reads the applicant's social security card or ID card (the window routes the read here), or, for an
agent, arms the agent's read (F7 or the button), picks the relation and ticks that the authorisation was seen;
chooses the insurances (and for a 缴费证明 the months); 出具证明 asks the central system and shows the page as
it will print. 打印 and 另存为PDF then deliver exactly that certificate. Why a request cannot go is said above
the buttons before anything is sent (``presence_problem``); offline, the same line says a certificate needs
the central system.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.cards import IdentityReading
from app.certificate_render import certificate_image
from app.certificates import INSURANCE_CHOICES, IssuedCertificate
from app.permissions import ClerkInfo
from app.ui import operations
from app.ui.operations.certificate import deliver_certificate, issue_certificate
from app.usecases.certificate import AgentPresence, CertificateRequest, presence_problem
from core.errors import CounterError
from forms.agent_section import GUARDIAN, RELATIONS
from forms.catalogue import ServiceItem

# the catalogue's screen values this page serves, and the certificate kind each issues
SCREENS = {"certificate_insurance": "insurance", "certificate_payment": "payment"}
_PREVIEW_DPI = 110


class CertificatePage(QWidget):
    """One certificate kind's screen; ``issued`` carries the certificate once it is drawn."""

    issued = Signal(object)

    def __init__(self, ctx: operations.OpContext, clerk: ClerkInfo, item: ServiceItem, kind: str, *,
                 today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("certificatePage")
        self.ctx = ctx
        self.clerk = clerk
        self.item = item
        self.kind = kind
        self.holder: IdentityReading | None = None
        self.agent_reading: IdentityReading | None = None
        self.agent_armed = False
        self.certificate: IssuedCertificate | None = None
        self.print_dialog: QPrintDialog | None = None
        # the choice the shown certificate was issued for
        self._issued_for: CertificateRequest | None = None
        today = today or date.today()

        title = QLabel(item.name)
        title.setObjectName("pageTitle")
        subtitle = QLabel(self.tr("证明由中心系统依据参保缴费记录出具，附验证码和二维码，"
                                  "银行、用人单位可扫码或凭验证码核验。"))
        subtitle.setObjectName("pageSubtitle")
        subtitle.setWordWrap(True)

        self.card_banner = QFrame()
        self.card_banner.setObjectName("cardBanner")
        self.card_banner.setProperty("tone", "warn")
        banner = QHBoxLayout(self.card_banner)
        banner.setContentsMargins(12, 6, 8, 6)
        self.card_label = QLabel(self.tr("请读取申请人本人的社会保障卡或居民身份证（放在读卡区）。"))
        self.card_label.setObjectName("cardBannerText")
        self.card_label.setWordWrap(True)
        banner.addWidget(self.card_label, 1)

        self.agent_box = QCheckBox(self.tr("代办（本人未到场，由授权代办人办理）"))
        self.agent_box.setObjectName("certificateAgent")
        self.agent_group = QGroupBox(self.tr("代办人"))
        agent_form = QFormLayout(self.agent_group)
        agent_form.setVerticalSpacing(4)
        self.subject_edit = QLineEdit()
        self.subject_edit.setObjectName("certificateSubject")
        self.subject_edit.setProperty("role", "idNumber")
        self.subject_edit.setMaxLength(18)
        self.subject_edit.setPlaceholderText(self.tr("按授权委托书填写，或读取申请人证件"))
        self.agent_button = QPushButton(self.tr("读取代办人证件（F7）"))
        self.agent_button.setObjectName("agentButton")
        self.agent_button.setCheckable(True)
        self.agent_button.clicked.connect(lambda checked: self.arm_agent(bool(checked)))
        self.agent_label = QLabel(self.tr("尚未读取代办人证件"))
        self.agent_label.setWordWrap(True)
        self.relation_box = QComboBox()
        self.relation_box.setObjectName("certificateRelation")
        self.relation_box.addItem(self.tr("请选择"), "")
        for key, label in RELATIONS.items():
            self.relation_box.addItem(label, key)
        self.authorisation_box = QCheckBox(self.tr("已查验授权委托书原件（监护人：监护关系证明）"))
        self.authorisation_box.setObjectName("certificateAuthorisation")
        read_row = QHBoxLayout()
        read_row.addWidget(self.agent_button)
        read_row.addStretch(1)
        agent_form.addRow(self.tr("证明对象身份号码"), self.subject_edit)
        agent_form.addRow(self.tr("代办人证件"), read_row)
        agent_form.addRow("", self.agent_label)
        agent_form.addRow(self.tr("与申请人关系"), self.relation_box)
        agent_form.addRow("", self.authorisation_box)
        self.agent_group.setVisible(False)
        self.agent_box.toggled.connect(self._agent_toggled)

        insurance_group = QGroupBox(self.tr("证明险种"))
        grid = QGridLayout(insurance_group)
        grid.setVerticalSpacing(2)
        self.insurance_boxes: dict[str, QCheckBox] = {}
        for index, (code, label) in enumerate(INSURANCE_CHOICES.items()):
            box = QCheckBox(label)
            box.setChecked(True)
            box.setObjectName(f"insurance_{code}")
            self.insurance_boxes[code] = box
            grid.addWidget(box, index // 3, index % 3)

        details = QFormLayout()
        self.start_edit = QDateEdit(QDate(today.year - 1, 1, 1))
        self.end_edit = QDateEdit(QDate(today.year, today.month, 1).addMonths(-1))
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat("yyyy-MM")
            edit.setCalendarPopup(False)
            edit.setMinimumDate(QDate(1992, 1, 1))
            edit.setMaximumDate(QDate(today.year, today.month, 1))
        period = QHBoxLayout()
        period.addWidget(self.start_edit)
        period.addWidget(QLabel(self.tr("至")))
        period.addWidget(self.end_edit)
        period.addStretch(1)
        self.period_row = QWidget()
        self.period_row.setLayout(period)
        period.setContentsMargins(0, 0, 0, 0)
        if kind == "payment":
            details.addRow(self.tr("证明期间"), self.period_row)
        else:
            self.period_row.hide()
        self.purpose_edit = QLineEdit()
        self.purpose_edit.setObjectName("certificatePurpose")
        self.purpose_edit.setMaxLength(60)
        self.purpose_edit.setPlaceholderText(self.tr("如：购房、落户、子女入学（选填，印在证明上）"))
        details.addRow(self.tr("证明用途"), self.purpose_edit)

        self.problem_label = QLabel()
        self.problem_label.setObjectName("certificateProblem")
        self.problem_label.setProperty("role", "fieldError")
        self.problem_label.setWordWrap(True)
        self.issue_button = QPushButton(self.tr("出具证明"))
        self.issue_button.setObjectName("issueCertificateButton")
        self.issue_button.setProperty("primary", True)
        self.issue_button.clicked.connect(self.issue)
        self.print_button = QPushButton(self.tr("打印…"))
        self.print_button.setObjectName("printCertificateButton")
        self.print_button.clicked.connect(self.print_certificate)
        self.save_button = QPushButton(self.tr("另存为PDF…"))
        self.save_button.setObjectName("saveCertificateButton")
        self.save_button.clicked.connect(lambda: self.save_pdf())
        self.back_button = QPushButton(self.tr("返回"))
        self.back_button.setObjectName("backButton")
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        for button in (self.save_button, self.print_button, self.issue_button):
            button.setMinimumWidth(100)
            buttons.addWidget(button)

        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(self.card_banner)
        left.addWidget(self.agent_box)
        left.addWidget(self.agent_group)
        left.addWidget(insurance_group)
        left.addLayout(details)
        left.addStretch(1)
        left.addWidget(self.problem_label)
        left.addLayout(buttons)
        left_widget = QWidget()
        left_widget.setLayout(left)
        left_widget.setMaximumWidth(640)

        self.preview = QLabel(self.tr("出具后在此预览证明"))
        self.preview.setObjectName("certificatePreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_scroll = QScrollArea()
        self.preview_scroll.setObjectName("certificatePreviewArea")
        self.preview_scroll.setWidget(self.preview)
        self.preview_scroll.setWidgetResizable(True)
        self.preview_scroll.setMinimumWidth(360)
        self.preview_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # the issued page as drawn; shown scaled to the preview's width
        self._page_image: QImage | None = None

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(left_widget, 1)
        body.addWidget(self.preview_scroll, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(6)
        head = QHBoxLayout()
        head.setSpacing(16)
        head.addWidget(title)
        head.addWidget(subtitle, 1)
        layout.addLayout(head)
        layout.addLayout(body, 1)

        for box in self.insurance_boxes.values():
            box.toggled.connect(self._changed)
        for signal in (self.subject_edit.textChanged, self.purpose_edit.textChanged):
            signal.connect(self._changed)
        self.relation_box.currentIndexChanged.connect(self._changed)
        self.authorisation_box.toggled.connect(self._changed)
        self.start_edit.dateChanged.connect(self._changed)
        self.end_edit.dateChanged.connect(self._changed)
        self._changed()

    # -- who is at the window ---------------------------------------------------------------------------
    def apply_identity(self, reading: IdentityReading) -> None:
        """A card read at the window: the agent's when their read is armed, else the applicant's."""
        if self.agent_armed:
            self.agent_reading = reading
            self.agent_label.setText(self.tr("已读取{source}：{who}").format(source=reading.source,
                                                                          who=reading.summary))
            self.arm_agent(False)
        else:
            self.holder = reading
            self.subject_edit.setText(reading.id_number.upper())
            self.card_label.setText(self.tr("已读取{source}：{who}（证明对象）").format(source=reading.source,
                                                                                 who=reading.summary))
            self.card_banner.setProperty("tone", "ok")
            self.card_banner.style().polish(self.card_banner)
        self._changed()

    def arm_agent(self, armed: bool) -> None:
        """The next card read is the agent's (F7)."""
        if armed and not self.agent_box.isChecked():
            self.agent_box.setChecked(True)
        self.agent_armed = armed
        self.agent_button.setChecked(armed)
        self.agent_button.setText(self.tr("请读取代办人证件…") if armed else self.tr("读取代办人证件（F7）"))

    def _agent_toggled(self, on: bool) -> None:
        self.agent_group.setVisible(on)
        if self.holder is None:
            agent_text = self.tr("代办：读取代办人本人的证件，按授权委托书填写证明对象身份号码。")
            holder_text = self.tr("请读取申请人本人的社会保障卡或居民身份证（放在读卡区）。")
            self.card_label.setText(agent_text if on else holder_text)
        if not on:
            self.arm_agent(False)
        self._changed()

    # -- the request ------------------------------------------------------------------------------------
    def request(self) -> CertificateRequest:
        agent = None
        if self.agent_box.isChecked() and self.agent_reading is not None:
            agent = AgentPresence(self.agent_reading, str(self.relation_box.currentData() or ""),
                                  self.authorisation_box.isChecked())
        subject = self.subject_edit.text().strip().upper()
        start, end = self.start_edit.date(), self.end_edit.date()
        return CertificateRequest(
            kind=self.kind, subject_id_number=subject, holder=self.holder, agent=agent,
            insurances=tuple(code for code, box in self.insurance_boxes.items() if box.isChecked()),
            period_start=f"{start.year():04d}-{start.month():02d}" if self.kind == "payment" else None,
            period_end=f"{end.year():04d}-{end.month():02d}" if self.kind == "payment" else None,
            purpose=self.purpose_edit.text().strip() or None)

    def problem(self) -> str | None:
        """What keeps the certificate from being issued, in the clerk's words; None when it can go."""
        request = self.request()
        if self.agent_box.isChecked() and self.agent_reading is None:
            return self.tr("代办须读取代办人本人的居民身份证或社会保障卡（F7）。")
        if not request.insurances:
            return self.tr("请至少选择一个险种。")
        if request.period_start and request.period_end and request.period_start > request.period_end:
            return self.tr("证明期间的起始年月不能晚于截止年月。")
        if self.agent_box.isChecked() and self.relation_box.currentData() == GUARDIAN \
                and not self.authorisation_box.isChecked():
            return self.tr("监护人代办须查验监护关系证明，查验后请勾选。")
        return presence_problem(request)

    def _changed(self) -> None:
        """What the clerk chose changed: an issued certificate no longer matching it is put away (its preview
        too), so what is printed is always what the screen shows; 出具证明 issues once per choice."""
        if self.certificate is not None and self.request() != self._issued_for:
            self.certificate, self._page_image, self._issued_for = None, None, None
            self.preview.clear()
            self.preview.setText(self.tr("出具后在此预览证明"))
        problem = self.problem()
        issued = self.certificate is not None
        if not issued or problem is not None:
            self._say(problem or "", error=True)
        self.issue_button.setEnabled(problem is None and not issued)
        self.print_button.setEnabled(issued)
        self.save_button.setEnabled(issued)

    # -- issue, preview, print ----------------------------------------------------------------------------
    def issue(self) -> None:
        if self.problem() is not None:
            return
        self.issue_button.setEnabled(False)
        self._say(self.tr("正在向中心系统申请出具证明…"), error=False)
        issue_certificate(parent=self, clerk=self.clerk, request=self.request()) \
            .success(self.show_issued).failure(self._failed).run_in_background(self.ctx)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, CounterError):
            self._say(f"{exc.user_message}{exc.hint}", error=True)
        else:
            self._say(self.tr("出具证明失败，请重试。"), error=True)
        self.issue_button.setEnabled(True)

    def show_issued(self, certificate: IssuedCertificate) -> None:
        self.certificate = certificate
        self._issued_for = self.request()
        self._page_image = certificate_image(certificate, _PREVIEW_DPI)
        self._fit_preview()
        self._changed()
        self._say(self.tr("已出具{title}，验证码 {code}。请打印或另存为PDF交申请人。").format(
            title=certificate.title, code=certificate.code_text), error=False)
        self.issued.emit(certificate)

    def _fit_preview(self) -> None:
        """The page scaled to the preview's width (the clerk scrolls down, never sideways)."""
        if self._page_image is None:
            return
        width = max(200, self.preview_scroll.viewport().width() - 4)
        self.preview.setPixmap(QPixmap.fromImage(self._page_image.scaledToWidth(
            width, Qt.TransformationMode.SmoothTransformation)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_preview()

    def _say(self, text: str, *, error: bool) -> None:
        """The line above the buttons: what is missing or went wrong (red), or what happened."""
        self.problem_label.setProperty("role", "fieldError" if error else "")
        self.problem_label.style().polish(self.problem_label)
        self.problem_label.setText(text)

    def save_pdf(self, path: Path | None = None) -> None:
        """Save the registered PDF (a file dialog when no path is given)."""
        certificate = self.certificate
        if certificate is None:
            return
        if path is None:
            suggested = f"{certificate.title}-{certificate.code}.pdf"
            name, _ = QFileDialog.getSaveFileName(self, self.tr("另存为PDF"), suggested, self.tr("PDF 文件 (*.pdf)"))
            if not name:
                return
            path = Path(name)
        deliver_certificate(parent=self, clerk=self.clerk, certificate=certificate, target=path) \
            .success(lambda _none: self._say(self.tr("证明已保存：{path}").format(path=str(path)), error=False)) \
            .run_in_background(self.ctx)

    def print_certificate(self) -> None:
        certificate = self.certificate
        if certificate is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self.print_dialog = QPrintDialog(printer, self)

        def chosen() -> None:
            deliver_certificate(parent=self, clerk=self.clerk, certificate=certificate, target=printer) \
                .success(lambda _none: self._say(self.tr("证明已送打印机。"), error=False)) \
                .run_in_background(self.ctx)

        self.print_dialog.accepted.connect(chosen)
        self.print_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.print_dialog.show()
