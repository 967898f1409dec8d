"""The window's look for people who see poorly: a text scale and a high-contrast theme, set application-wide.

Every size the style sheet names (``resources/ui/counter.qss``) is a pixel size written for 100 %; this module
is the one place that turns it into the size at the clerk's scale, so a font set anywhere else would not
follow. The look is applied to the ``QApplication`` (font, palette, style sheet): every window, the
customer screen and every dialog opened later inherit it, and a change takes effect at once, without a
restart. High contrast is not a second hand-written sheet that would drift from the first: the same rules
with their colours mapped onto black, white and yellow, and a strong yellow frame around whatever has the
keyboard focus. Its colours carry no meaning on their own: a field in error is framed with a dashed line and
says why in words, a status is a word, not a green or a red.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

#: the text sizes a clerk can choose, in per cent of the normal size
TEXT_SCALES: tuple[int, ...] = (100, 125, 150, 200)
#: the application font's point size at 100 % (widgets the style sheet does not size use it)
BASE_POINT_SIZE = 11

BLACK, WHITE, YELLOW, GREY = "#000000", "#ffffff", "#ffff00", "#c8c8c8"
#: what the focus frame looks like in high contrast: thick and yellow, on anything that takes the keyboard
FOCUS_FRAME = f"3px solid {YELLOW}"


@dataclass(frozen=True)
class Look:
    """A text scale (one of ``TEXT_SCALES``) and whether the high-contrast theme is on."""

    scale: int = 100
    high_contrast: bool = False

    def __post_init__(self) -> None:
        if self.scale not in TEXT_SCALES:
            raise ValueError(f"text scale {self.scale} is not one of {TEXT_SCALES}")

    def larger(self) -> Look:
        """One step up (Ctrl+=), staying at the largest."""
        at = TEXT_SCALES.index(self.scale)
        return Look(TEXT_SCALES[min(at + 1, len(TEXT_SCALES) - 1)], self.high_contrast)

    def smaller(self) -> Look:
        """One step down (Ctrl+-), staying at the normal size."""
        at = TEXT_SCALES.index(self.scale)
        return Look(TEXT_SCALES[max(at - 1, 0)], self.high_contrast)


def scaled(px: float, scale: int) -> int:
    """A size written for 100 %, at ``scale`` per cent (never below 1 px)."""
    return max(1, round(px * scale / 100))


def base_sheet() -> str:
    return (resources.files("resources") / "ui" / "counter.qss").read_text(encoding="utf-8")


#: the properties whose pixel sizes grow with the text (paddings and borders keep their sizes: at 200 %
#: doubled paddings would take the room the larger text needs)
_SCALED = re.compile(r"(?P<prop>font-size|min-height|max-height)\s*:\s*(?P<px>\d+(?:\.\d+)?)px")


def scale_sheet(sheet: str, scale: int) -> str:
    """The style sheet's text sizes and heights at ``scale`` per cent."""
    if scale == 100:
        return sheet
    return _SCALED.sub(lambda m: f"{m['prop']}: {scaled(float(m['px']), scale)}px", sheet)


_RULE = re.compile(r"(?P<selector>[^{}]+)\{(?P<body>[^{}]*)\}")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|\btransparent\b")
#: rules that mark the one thing to press or the thing chosen: yellow with black text in high contrast
_EMPHASIS = re.compile(r"primary|:checked|:selected|signInButton|unlockButton|:focus")


def _is_neutral(colour: str) -> bool:
    """A grey (no hue worth naming): ordinary text; a saturated one marks a tone (ok/warn/error)."""
    c = QColor(colour)
    return c.hsvSaturationF() < 0.25


def _contrast_body(selector: str, body: str) -> str:
    """One rule's declarations with their colours on black, white and yellow."""
    emphasis = _EMPHASIS.search(selector) is not None
    disabled = ":disabled" in selector
    hover = ":hover" in selector and not emphasis
    out = []
    for decl in body.split(";"):
        if ":" not in decl:
            out.append(decl)
            continue
        prop, value = (part.strip() for part in decl.split(":", 1))
        if prop.startswith("background") or prop == "alternate-background-color":
            colour = YELLOW if emphasis else ("#333333" if hover else BLACK)
            value = _COLOUR.sub(colour, value)
        elif prop == "color":
            colour = BLACK if emphasis else GREY if disabled else WHITE if _is_neutral(value) else YELLOW
            value = _COLOUR.sub(colour, value)
        elif prop.startswith("border") or prop == "gridline-color":
            value = _COLOUR.sub(YELLOW if emphasis else WHITE, value)
        out.append(f" {prop}: {value}")
    return ";".join(out)


#: after the mapped rules: what high contrast adds (later rules of equal weight win)
_CONTRAST_EXTRA = f"""
QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus, QTextEdit:focus, QTextBrowser:focus, QListWidget:focus,
QTableWidget:focus, QTableView:focus, QPushButton:focus, QToolButton:focus, QCheckBox:focus, QRadioButton:focus,
QSpinBox:focus, QDateEdit:focus {{ border: {FOCUS_FRAME}; }}
QPushButton[primary="true"]:focus, #signInButton:focus, #unlockButton:focus {{ border: 3px solid {WHITE}; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"] {{ border: 3px dashed {YELLOW}; background: {BLACK}; }}
QLineEdit[fromDevice="true"], QComboBox[fromDevice="true"] {{ border: 2px dotted {WHITE}; background: {BLACK};
    color: {WHITE}; }}
QLineEdit[fromCentral="true"], QComboBox[fromCentral="true"] {{ border: 2px dashed {WHITE}; background: {BLACK};
    color: {WHITE}; }}
QPushButton, QToolButton {{ border: 2px solid {WHITE}; }}
QPushButton:disabled {{ border: 2px dashed {GREY}; color: {GREY}; background: {BLACK}; }}
QCheckBox::indicator, QRadioButton::indicator {{ border: 2px solid {WHITE}; background: {BLACK}; }}
QCheckBox::indicator:checked, QRadioButton::indicator:checked {{ background: {YELLOW}; }}
QMenu {{ background: {BLACK}; color: {WHITE}; border: 2px solid {WHITE}; }}
QMenu::item:selected {{ background: {YELLOW}; color: {BLACK}; }}
QPushButton[workTile="true"]:checked #workTileCount, QPushButton[workTile="true"]:checked #workTileLabel {{
    color: {BLACK}; background: {YELLOW}; }}
QToolTip {{ background: {BLACK}; color: {YELLOW}; border: 2px solid {YELLOW}; }}
QScrollBar {{ background: {BLACK}; }}
QScrollBar::handle {{ background: {WHITE}; border: 1px solid {BLACK}; }}
"""

#: in the normal theme too: a button the keyboard is on shows it (Tab through a form's buttons)
_FOCUS_EXTRA = """
QPushButton:focus, QToolButton:focus { border: 2px solid #2b6cc4; }
"""


def contrast_sheet(sheet: str) -> str:
    """The same rules with their colours mapped onto black, white and yellow, then the high-contrast extras."""
    without_comments = re.sub(r"/\*.*?\*/", "", sheet, flags=re.DOTALL)
    mapped = _RULE.sub(lambda m: f"{m['selector'].strip()} {{{_contrast_body(m['selector'], m['body'])} }}",
                       without_comments)
    return mapped + _CONTRAST_EXTRA


def style_sheet(look: Look) -> str:
    """The application's whole style sheet for ``look``."""
    sheet = scale_sheet(base_sheet(), look.scale)
    return contrast_sheet(sheet) if look.high_contrast else sheet + _FOCUS_EXTRA


def contrast_palette() -> QPalette:
    """Black ground, white text, yellow selection and links: for what the style sheet does not colour."""
    palette = QPalette()
    black, white, yellow, grey = QColor(BLACK), QColor(WHITE), QColor(YELLOW), QColor(GREY)
    roles = QPalette.ColorRole
    for role, colour in ((roles.Window, black), (roles.WindowText, white), (roles.Base, black),
                         (roles.AlternateBase, QColor("#1a1a1a")), (roles.Text, white), (roles.Button, black),
                         (roles.ButtonText, white), (roles.BrightText, yellow), (roles.Highlight, yellow),
                         (roles.HighlightedText, black), (roles.Link, yellow), (roles.LinkVisited, yellow),
                         (roles.ToolTipBase, black), (roles.ToolTipText, yellow), (roles.PlaceholderText, grey)):
        palette.setColor(role, colour)
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, grey)
    return palette


def application_font(scale: int) -> QFont:
    font = QFont("Noto Sans CJK SC")
    font.setPointSizeF(BASE_POINT_SIZE * scale / 100)
    return font


def apply_look(app: QApplication, look: Look) -> None:
    """Font, palette and style sheet of the whole application: open windows restyle at once, new ones inherit.

    The look is also kept as the application's ``sicounterLook`` property, for a window opened later that
    needs a size the style sheet cannot give (``current_look``). Kept first: the font and style changes below
    notify open windows at once, and a window with a sheet of its own (the customer screen) reads the look then.
    """
    app.setProperty("sicounterTextScale", look.scale)
    app.setProperty("sicounterHighContrast", look.high_contrast)
    app.setFont(application_font(look.scale))
    style = app.style()
    app.setPalette(contrast_palette() if look.high_contrast else style.standardPalette())
    app.setStyleSheet(style_sheet(look))


def current_look(app: QApplication | None = None) -> Look:
    """The look last applied to the application (the normal one before any)."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    if not isinstance(app, QApplication):
        return Look()
    scale = app.property("sicounterTextScale")
    return Look(scale if scale in TEXT_SCALES else 100, bool(app.property("sicounterHighContrast")))


def scaled_point_size(points: float, app: QApplication | None = None) -> float:
    """A painter's font size written for 100 %, at the application's scale (preview overlays, chart axes)."""
    return points * current_look(app).scale / 100
