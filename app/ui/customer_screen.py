"""The applicant's screen: what is being recorded for them, in large type, on the display facing them.

A top-level window of its own. With a second display (``QGuiApplication.screens()``) it covers that one
full screen; without one it is an ordinary window the clerk can drag onto whatever faces the applicant;
``customer_screen = "off"`` in the settings shows nothing. It only shows what it is given: a
``CaseView`` or ``WelcomeView`` (``app/customer_view.py``, built from the form's state with ID numbers
masked) or an interactive panel (the 好差评 rating, a signature). Each case view replaces the page's
content entirely, so nothing of an earlier view lingers; the welcome holds nothing personal.

Type is about twice the clerk's: the sizes here are multiples of the clerk's base size, read from the
application's style sheet when the window is built or the application's style changes, so a global
scale setting (large text) applies to this screen too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication, QScreen
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.customer_view import CaseView, WelcomeView
from app.settings import CustomerScreenMode
from app.ui.theme import contrast_sheet, current_look

#: the clerk's base text size when the style sheet does not say (counter.qss: ``QWidget { font-size: 15px }``)
CLERK_BASE_PX = 15
#: the applicant's base size, as a multiple of the clerk's
CUSTOMER_SCALE = 2.0
#: the window's size when it is not full screen
WINDOW_SIZE = (960, 700)

_BASE_RULE = re.compile(r"(?:^|[\s,}])QWidget\s*\{[^}]*?font-size:\s*(\d+(?:\.\d+)?)px", re.S)


def clerk_base_px(app: QApplication | None = None) -> float:
    """The clerk's base text size in pixels, as the application's style sheet sets it now."""
    app = app or _application()
    found = _BASE_RULE.search(app.styleSheet()) if app is not None else None
    return float(found.group(1)) if found else float(CLERK_BASE_PX)


def _application() -> QApplication | None:
    instance = QApplication.instance()
    return instance if isinstance(instance, QApplication) else None


def customer_style(base: float) -> str:
    """The screen's style sheet, every size a multiple of ``base`` (the applicant's base size in pixels)."""
    def px(factor: float) -> str:
        return f"{max(1, round(base * factor))}px"

    return f"""
#customerScreen, #customerScreen #customerCase, #customerScreen #customerCaseBody {{ background: #f7f9fc; }}
#customerScreen QWidget {{ font-size: {px(1)}; color: #1f2d3d; }}
#customerScreen #customerOffice {{ font-size: {px(0.7)}; color: #5d6d7e; }}
#customerScreen #customerTitle {{ font-size: {px(1.35)}; font-weight: bold; color: #1d4f91; }}
#customerScreen #customerItem {{ font-size: {px(1.1)}; font-weight: bold; color: #1d4f91; }}
#customerScreen #customerName {{ font-size: {px(1.25)}; font-weight: bold; }}
#customerScreen #customerId {{ font-size: {px(1.0)}; font-family: "Noto Sans Mono CJK SC", monospace; }}
#customerScreen #customerAgent {{ font-size: {px(0.85)}; color: #7d4e00; background: #fdf3e1;
    padding: {px(0.2)} {px(0.4)}; border-radius: {px(0.2)}; }}
#customerScreen #customerSection {{ font-size: {px(0.75)}; font-weight: bold; color: #5d6d7e;
    border-bottom: 2px solid #dde3ea; padding-top: {px(0.3)}; }}
#customerScreen QLabel[role="fieldLabel"] {{ font-size: {px(0.65)}; color: #5d6d7e; }}
#customerScreen QLabel[role="fieldValue"] {{ font-size: {px(0.8)}; }}
#customerScreen QLabel[role="fieldValue"][fresh="true"] {{ background: #fff4c2; }}
#customerScreen QLabel[state][fresh="true"] {{ background: #fff4c2; }}
#customerScreen QLabel[state="captured"] {{ color: #1e8449; font-weight: bold; }}
#customerScreen QLabel[state="waived"] {{ color: #1d4f91; }}
#customerScreen QLabel[state="missing"] {{ color: #b9770e; font-weight: bold; }}
#customerScreen #customerDue {{ font-size: {px(1.0)}; font-weight: bold; color: #1e8449; }}
#customerScreen #customerBring {{ font-size: {px(1.0)}; }}
#customerScreen QPushButton {{ font-size: {px(0.9)}; padding: {px(0.35)} {px(0.7)}; background: #ffffff;
    border: 2px solid #b8c4d0; border-radius: {px(0.25)}; }}
#customerScreen QPushButton:checked {{ background: #fdecea; border-color: #c0392b; }}
#customerScreen QPushButton[primary="true"] {{ background: #1d6fd1; color: #ffffff; border-color: #1a5fb4; }}
#customerScreen QPushButton:disabled {{ color: #9aa5b1; }}
#customerScreen QPushButton[level] {{ font-size: {px(1.05)}; font-weight: bold; }}
#customerScreen QPushButton[level="5"], #customerScreen QPushButton[level="4"] {{ border-color: #1e8449; }}
#customerScreen QPushButton[level="2"], #customerScreen QPushButton[level="1"] {{ border-color: #c0392b; }}
"""


def _label(text: str, name: str = "", *, role: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if name:
        label.setObjectName(name)
    if role:
        label.setProperty("role", role)
    return label


def target_screen(mode: CustomerScreenMode, screens: Sequence[QScreen], primary: QScreen | None) -> QScreen | None:
    """The display to cover full screen: in ``auto``, the first that is not the clerk's (primary) one."""
    if mode != "auto":
        return None
    return next((s for s in screens if s is not primary), None)


class CustomerScreen(QWidget):
    """The applicant's window. ``show_case``, ``show_welcome`` and ``show_panel`` say what it shows."""

    def __init__(self, mode: CustomerScreenMode = "auto", *,
                 screens: Callable[[], Sequence[QScreen]] = QGuiApplication.screens) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.mode = mode
        self._screens = screens
        self.setObjectName("customerScreen")
        self.setWindowTitle(self.tr("请核对您的信息 — 社会保险经办"))
        # the counter's program ends with the clerk's window, whether or not this one is still open
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self._base = 0.0
        self._contrast = False
        #: shown where the mode says (``place``); a window closed by hand comes back with the next case
        self._placed = False
        #: the last case view's values by field key, to mark the one that just changed (same person only)
        self._previous: dict[str, str] | None = None
        self.view: CaseView | WelcomeView | None = None
        self.pages = QStackedWidget()
        self.welcome_page = QWidget()
        self.welcome_page.setObjectName("customerWelcome")
        self._welcome_layout = QVBoxLayout(self.welcome_page)
        self._welcome_layout.setContentsMargins(0, 0, 0, 0)
        self._welcome_body: QWidget | None = None
        self.case_area = QScrollArea()
        self.case_area.setObjectName("customerCase")
        self.case_area.setWidgetResizable(True)
        self.case_area.setFrameShape(QFrame.Shape.NoFrame)
        self.case_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.panel_page = QWidget()
        self.panel_page.setObjectName("customerPanel")
        self._panel_layout = QVBoxLayout(self.panel_page)
        self._panel: QWidget | None = None
        for page in (self.welcome_page, self.case_area, self.panel_page):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.apply_scale()
        self.show_welcome(WelcomeView(""))

    # -- size of type --------------------------------------------------------------------------
    def base_px(self) -> float:
        """The applicant's base text size now (twice the clerk's)."""
        return self._base

    def apply_scale(self) -> None:
        """Follow the clerk's look: the base size (the sizes here are multiples of it) and high contrast.

        The applicant who needs high contrast is the one reading this screen, so its own sheet is mapped
        onto black, white and yellow by the same rules as the clerk's (``theme.contrast_sheet``).
        """
        base = clerk_base_px() * CUSTOMER_SCALE
        contrast = current_look().high_contrast
        if base != self._base or contrast != self._contrast:
            self._base, self._contrast = base, contrast
            sheet = customer_style(base)
            self.setStyleSheet(contrast_sheet(sheet) if contrast else sheet)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.ApplicationFontChange, QEvent.Type.StyleChange,
                            QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange):
            self.apply_scale()  # its own style sheet changes nothing: the base and the contrast are the same
        super().changeEvent(event)

    # -- where it is shown -------------------------------------------------------------------------
    def place(self) -> QScreen | None:
        """Show it where the mode says: full screen on the second display, else a normal window.

        Returns the display it covers full screen, or None (a window, or ``off``: hidden).
        """
        if self.mode == "off":
            self.hide()
            return None
        self._placed = True
        target = target_screen(self.mode, self._screens(), QGuiApplication.primaryScreen())
        if target is None:
            if self.isFullScreen():
                self.showNormal()
            self.resize(*WINDOW_SIZE)
            self.show()
            return None
        self.setScreen(target)
        self.setGeometry(target.geometry())
        self.showFullScreen()
        return target

    def follow_screens(self) -> None:
        """Place it again when a display is plugged in or out (a second monitor attached after start)."""
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.screenAdded.connect(lambda _s: self.place())
            app.screenRemoved.connect(lambda _s: self.place())

    def screen(self) -> QScreen:
        """The display the window is on (the seam other helpers place their dialogs with)."""
        shown = super().screen()
        if shown is not None:
            return shown
        primary = QGuiApplication.primaryScreen()
        assert primary is not None, "no display"
        return primary

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing it (in window mode) only hides it; the next applicant's case shows it again."""
        self.show_welcome(WelcomeView(""))
        super().closeEvent(event)

    # -- what it shows ---------------------------------------------------------------------------
    def shown_text(self) -> str:
        """Every text on the page shown now, for tests and a check that nothing personal lingers."""
        page = self.pages.currentWidget()
        if page is None:
            return ""
        return "\n".join(label.text() for label in page.findChildren(QLabel) if label.text())

    def show_welcome(self, view: WelcomeView | None = None) -> None:
        """The welcome between applicants: built anew, holding nothing of anyone."""
        view = view or WelcomeView("")
        self.view = view
        self._previous = None
        self._drop_panel()
        self._replace_case(QWidget())  # the last case's labels go now, not when the next case comes
        body = QWidget()
        layout = QVBoxLayout(body)
        margin = round(self._base * 1.2)
        layout.setContentsMargins(margin, margin, margin, margin)
        layout.setSpacing(round(self._base * 0.5))
        if view.office_name:
            layout.addWidget(_label(view.office_name, "customerOffice"))
        layout.addStretch(1)
        title = _label(view.title, "customerTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        bring = _label(self.tr("请准备好：{items}").format(items="、".join(view.bring)), "customerBring")
        bring.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(bring)
        if view.item_name:
            layout.addSpacing(round(self._base * 0.6))
            layout.addWidget(_label(self.tr("您办理的事项：{item}").format(item=view.item_name), "customerItem"))
            if view.item_materials:
                layout.addWidget(_label(self.tr("需要的材料"), "customerSection"))
                for line in view.item_materials:
                    layout.addWidget(_label(f"• {line}", role="fieldValue"))
        layout.addStretch(2)
        old, self._welcome_body = self._welcome_body, body
        if old is not None:
            self._welcome_layout.removeWidget(old)
            old.setParent(None)  # gone from the page now, deleted later
            old.deleteLater()
        self._welcome_layout.addWidget(body)
        self.pages.setCurrentWidget(self.welcome_page)

    def show_case(self, view: CaseView) -> None:
        """One applicant's case; the page is built anew from ``view`` alone."""
        self.view = view
        self._drop_panel()
        self._show_again()
        previous = self._previous
        values = {f.key or f.label: f.value for f in view.fields}
        values |= {f"material:{m.name}": m.text() for m in view.materials}
        fresh = {key for key, value in values.items() if previous is not None and previous.get(key) != value}
        self._previous = values
        body = QWidget()
        body.setObjectName("customerCaseBody")
        layout = QVBoxLayout(body)
        margin = round(self._base * 0.8)
        layout.setContentsMargins(margin, round(margin * 0.6), margin, margin)
        layout.setSpacing(round(self._base * 0.3))
        layout.addWidget(_label(view.item_name, "customerItem"))
        who = QGridLayout()
        who.setHorizontalSpacing(round(self._base))
        who.addWidget(_label(view.applicant_name or self.tr("（姓名待填写）"), "customerName", wrap=False), 0, 0)
        who.addWidget(_label(view.applicant_id_masked, "customerId", wrap=False), 0, 1)
        who.setColumnStretch(2, 1)
        layout.addLayout(who)
        if view.acting_for:
            layout.addWidget(_label(view.acting_for, "customerAgent"))
        if view.due:
            layout.addWidget(_label(self.tr("已受理　回执编号：{no}").format(no=view.receipt_no or ""),
                                    "customerDue"))
            layout.addWidget(_label(view.due, "customerDue"))
        fresh_label: QLabel | None = None
        if view.fields:
            layout.addWidget(_label(self.tr("登记的信息（请核对）"), "customerSection"))
            grid = QGridLayout()
            grid.setHorizontalSpacing(round(self._base * 0.5))
            grid.setVerticalSpacing(round(self._base * 0.1))
            columns = 2 if len(view.fields) > 6 else 1
            for n, f in enumerate(view.fields):
                row, col = divmod(n, columns)
                label = _label(f.label, role="fieldLabel", wrap=False)
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                value = _label(f.value, role="fieldValue")
                if (f.key or f.label) in fresh:
                    value.setProperty("fresh", True)
                    fresh_label = value
                grid.addWidget(label, row, 2 * col)
                grid.addWidget(value, row, 2 * col + 1)
            for col in range(columns):
                grid.setColumnStretch(2 * col + 1, 1)
            layout.addLayout(grid)
        if view.materials:
            layout.addWidget(_label(self.tr("申请材料"), "customerSection"))
            grid = QGridLayout()
            grid.setHorizontalSpacing(round(self._base * 0.5))
            for n, m in enumerate(view.materials):
                grid.addWidget(_label(m.name, role="fieldValue"), n, 0)
                state = _label(m.text(), wrap=False)
                state.setProperty("state", m.state)
                if f"material:{m.name}" in fresh:
                    state.setProperty("fresh", True)
                    fresh_label = state
                grid.addWidget(state, n, 1, Qt.AlignmentFlag.AlignRight)
            grid.setColumnStretch(0, 1)
            layout.addLayout(grid)
        layout.addStretch(1)
        self._replace_case(body)
        self.pages.setCurrentWidget(self.case_area)
        if fresh_label is not None:
            self.case_area.ensureWidgetVisible(fresh_label)

    def show_panel(self, widget: QWidget) -> None:
        """An interactive panel for the applicant (the rating, a signature), replacing what was shown.

        The screen takes the widget over; the next ``show_case`` or ``show_welcome`` deletes it.
        """
        self._drop_panel()
        self._show_again()
        self._panel = widget
        self._panel_layout.addWidget(widget)
        widget.show()
        self.pages.setCurrentWidget(self.panel_page)

    def _show_again(self) -> None:
        if self._placed and not self.isVisible():  # closed by hand in window mode: back for the applicant
            self.show()

    def panel(self) -> QWidget | None:
        return self._panel

    def _drop_panel(self) -> None:
        if self._panel is not None:
            panel, self._panel = self._panel, None
            self._panel_layout.removeWidget(panel)
            panel.setParent(None)
            panel.hide()
            panel.deleteLater()

    def _replace_case(self, body: QWidget) -> None:
        old = self.case_area.takeWidget()
        self.case_area.setWidget(body)
        if old is not None:
            old.setParent(None)
            old.deleteLater()


def make_customer_screen(mode: CustomerScreenMode) -> CustomerScreen | None:
    """The applicant's screen as the settings ask, placed and showing the welcome; None when ``off``."""
    if mode == "off":
        return None
    screen = CustomerScreen(mode)
    screen.place()
    screen.follow_screens()
    return screen
