"""The clerk's window for people who see, move or hear differently (issue 19, item 4): the 显示 menu, the
keyboard's actions, and the spoken prompts the window gives the applicant.

``Accessibility`` is built by the main window with one line; it owns the header's 显示 button (字号,
高对比度, 语音提示, 快捷键一览), binds every key of ``app.ui.shortcuts`` to the window's actions, applies
the look application-wide (``app.ui.theme``) and remembers the choice for this terminal (``app.display``).
The speaker is the application's, one per process (``application_speaker``): espeak-ng is one synthesiser
per process, and windows come and go with the sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QApplication, QMenu, QPushButton, QWidget

from app.display import DisplayPrefs, load_display, save_display
from app.speech import Speaker, Voice
from app.ui import shortcuts
from app.ui.shortcuts import ShortcutsDialog
from app.ui.theme import TEXT_SCALES, Look, apply_look

if TYPE_CHECKING:
    from PySide6.QtGui import QShortcut

    from app.ui.main_window import MainWindow
    from app.ui.pages import FormPage


class _SpeakerHolder(QObject):
    """Keeps the application's speaker as a child of the QApplication; closes it when the application goes."""

    def __init__(self, app: QApplication, speaker: Speaker) -> None:
        super().__init__(app)
        self.setObjectName("sicounterSpeaker")
        self.speaker = speaker
        app.aboutToQuit.connect(speaker.close)


def application_speaker(voice: Voice | None = None) -> Speaker:
    """The application's speaker, made at first use (with ``voice``), configured with ``voice`` after."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    holder = app.findChild(_SpeakerHolder, "sicounterSpeaker")
    if holder is None:
        holder = _SpeakerHolder(app, Speaker(voice or Voice()))
    elif voice is not None:
        holder.speaker.configure(voice)
    return holder.speaker


def look_of(prefs: DisplayPrefs) -> Look:
    return Look(prefs.text_scale, prefs.high_contrast)


def voice_of(prefs: DisplayPrefs) -> Voice:
    return Voice(prefs.speech, prefs.speech_voice, prefs.speech_rate)


class Accessibility(QObject):
    """The 显示 menu, the window's keys and its spoken prompts; the look applied as this terminal keeps it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.settings = window.terminal.settings
        self.prefs = load_display(self.settings)
        self.speaker = application_speaker(voice_of(self.prefs))
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.app = app
        apply_look(app, look_of(self.prefs))
        self.button = self._build_menu()
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self._spoken_for: int | None = None
        self.bound: dict[str, list[QShortcut]] = {}

    # -- the 显示 menu ----------------------------------------------------------------------------
    def _build_menu(self) -> QPushButton:
        button = QPushButton(self.tr("显示"))
        button.setObjectName("displayButton")
        button.setToolTip(self.tr("字号、高对比度、语音提示和快捷键一览"))
        menu = QMenu(button)
        menu.setObjectName("displayMenu")
        sizes = menu.addMenu(self.tr("字号"))
        group = QActionGroup(menu)
        self.scale_actions: dict[int, QAction] = {}
        for scale in TEXT_SCALES:
            action = sizes.addAction(f"{scale}%")
            action.setCheckable(True)
            action.setActionGroup(group)
            action.triggered.connect(lambda _c=False, s=scale: self.set_scale(s))
            self.scale_actions[scale] = action
        sizes.addSeparator()
        sizes.addAction(shortcuts.menu_text(self.tr("放大"), "larger")).triggered.connect(self.larger)
        sizes.addAction(shortcuts.menu_text(self.tr("缩小"), "smaller")).triggered.connect(self.smaller)
        sizes.addAction(shortcuts.menu_text(self.tr("正常"), "normal_size")).triggered.connect(self.normal_size)
        self.contrast_action = menu.addAction(shortcuts.menu_text(self.tr("高对比度"), "high_contrast"))
        self.contrast_action.setCheckable(True)
        self.contrast_action.triggered.connect(lambda checked: self.set_high_contrast(bool(checked)))
        self.speech_action = menu.addAction(shortcuts.menu_text(self.tr("语音提示"), "speech"))
        self.speech_action.setCheckable(True)
        self.speech_action.triggered.connect(lambda checked: self.set_speech(bool(checked)))
        if not self.speaker.audible:
            self.speech_action.setToolTip(self.tr("本机未找到声音输出设备，语音提示不会发声。"))
        menu.addSeparator()
        menu.addAction(shortcuts.menu_text(self.tr("快捷键一览…"), "shortcuts")).triggered.connect(
            self.show_shortcuts)
        button.setMenu(menu)
        self._show_state()
        return button

    def _show_state(self) -> None:
        self.scale_actions[self.prefs.text_scale].setChecked(True)
        self.contrast_action.setChecked(self.prefs.high_contrast)
        self.speech_action.setChecked(self.prefs.speech)

    # -- changing the look -------------------------------------------------------------------------
    def look(self) -> Look:
        return look_of(self.prefs)

    def change(self, **values: object) -> None:
        """Apply a changed preference at once (every window and dialog restyles) and remember it here."""
        self.prefs = self.prefs.model_copy(update=values)
        apply_look(self.app, look_of(self.prefs))
        self.speaker.configure(voice_of(self.prefs))
        self._show_state()
        self.window._fold_catalogue()
        QTimer.singleShot(0, self.window.page_scroller.refit)  # once the pages took the new sizes
        try:
            save_display(self.settings, self.prefs)
        except OSError as exc:
            self.window.notice.show_message(self.tr("显示设置已生效，但未能保存（{error}），下次启动将恢复原设置。")
                                            .format(error=exc.strerror or exc), "warn")

    def folds_catalogue(self, page: QWidget) -> bool:
        """At 150 % and more the catalogue stays open on the home page only (where items are chosen): the
        other pages need the width; Ctrl+F opens it anywhere."""
        return self.prefs.text_scale >= 150 and page is not self.window.home

    def set_scale(self, scale: int) -> None:
        self.change(text_scale=scale)

    def larger(self) -> None:
        self.set_scale(self.look().larger().scale)

    def smaller(self) -> None:
        self.set_scale(self.look().smaller().scale)

    def normal_size(self) -> None:
        self.set_scale(100)

    def set_high_contrast(self, on: bool) -> None:
        self.change(high_contrast=on)

    def toggle_contrast(self) -> None:
        self.set_high_contrast(not self.prefs.high_contrast)

    def set_speech(self, on: bool) -> None:
        self.change(speech=on)
        self.window.notice.show_message(self.tr("语音提示已开启。") if on else self.tr("语音提示已关闭。"), "info")

    def toggle_speech(self) -> None:
        self.set_speech(not self.prefs.speech)

    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(self.bound, self.window)
        dialog.fit_to(self.window)
        dialog.finished.connect(lambda _r: setattr(self, "shortcuts_dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        self.shortcuts_dialog = dialog
        dialog.open()

    # -- the keyboard ------------------------------------------------------------------------------
    def bind_keys(self) -> None:
        """Every action of the registry on its keys, and the keys hinted on the window's buttons."""
        w = self.window

        def unlocked(action: Callable[[], None]) -> Callable[[], None]:
            """Nothing of the work behind a locked screen answers a key (the look still may change)."""
            return lambda: None if w.guard.locked else action()

        self.bound = shortcuts.bind(w, {
            "search": unlocked(w.catalogue.reveal), "guide": unlocked(self.guide), "capture": unlocked(self.capture),
            "agent_card": unlocked(self.agent_card), "submit": unlocked(self.submit),
            "save_draft": unlocked(self.save_draft), "home": unlocked(w.go_home), "records": unlocked(w.open_records),
            "lock": unlocked(lambda: w.guard.lock("manual")),
            "larger": self.larger, "smaller": self.smaller, "normal_size": self.normal_size,
            "high_contrast": self.toggle_contrast, "speech": self.toggle_speech, "shortcuts": self.show_shortcuts,
        })
        shortcuts.hint(w.lock_button, "lock")
        shortcuts.hint(self.button, "shortcuts")
        w.stack.currentChanged.connect(self._page_shown)

    def _form(self) -> FormPage | None:
        """The form on screen, if one is."""
        page = self.window.form_page
        return page if page is not None and self.window.stack.currentWidget() is page else None

    def guide(self) -> None:
        page = self._form()
        if page is not None:
            page.show_guide()
            return
        item = self.window.catalogue.current_service_item()
        if item is not None:
            self.window.show_guide(item)

    def capture(self) -> None:
        """拍摄 for the first material still missing (the first material when all are there)."""
        page = self._form()
        if page is None or not page.form.materials:
            return
        missing = page.materials.missing()
        self.window.open_capture((missing[0] if missing else page.form.materials[0]).key)

    def agent_card(self) -> None:
        from app.ui.certificate_page import CertificatePage

        current = self.window.stack.currentWidget()
        if isinstance(current, CertificatePage):  # issue 20: the certificate screen's agent read
            current.agent_button.click()
            return
        page = self._form()
        if page is not None and page.agent_button is not None:
            page.agent_button.click()

    def submit(self) -> None:
        page = self._form()
        if page is not None and page.submit_button.isEnabled():
            page.submit_button.click()

    def save_draft(self) -> None:
        page = self._form()
        if page is not None and page.draft_button.isVisible() and page.draft_button.isEnabled():
            page.draft_button.click()

    # -- spoken prompts ----------------------------------------------------------------------------
    def _page_shown(self) -> None:
        """A new form waits for the applicant's card; an accepted case is said to be done."""
        current = self.window.stack.currentWidget()
        page = self._form()
        if page is not None and id(page) != self._spoken_for:
            self._spoken_for = id(page)
            self._hook_form(page)
            if not page.view.device_fields():  # nothing read from a card yet: ask for it
                self.speaker.say("place_id_card")
        elif current is self.window.result:
            self.speaker.say("done")

    def _hook_form(self, page: FormPage) -> None:
        for button, action in ((page.submit_button, "submit"), (page.draft_button, "save_draft"),
                               (page.guide_button, "guide")):
            shortcuts.hint(button, action)
        if page.agent_button is not None:
            shortcuts.hint(page.agent_button, "agent_card")
            page.agent_button.toggled.connect(self._agent_armed)
        for button in page.materials.findChildren(QPushButton):
            if button.objectName().startswith("capture_"):
                shortcuts.hint(button, "capture")
                break

    def _agent_armed(self, armed: bool) -> None:
        if armed:
            self.speaker.say("agent_card")
