"""What the clerk chose for this terminal's display and voice: kept beside its data, read at every start.

The settings file holds the terminal's defaults (an administrator's); a clerk who enlarges the text or turns
on high contrast or spoken prompts in the window changes it for this terminal, so the next session, and the
next clerk at this desk, find it as it was left. The choice is a small TOML file in the data directory rather
than a rewrite of the settings file, which also holds the trust settings an administrator alone changes.
"""

from __future__ import annotations

import logging
import os
import tomllib
from pathlib import Path
from typing import Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.settings import Settings
from core.private import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE

log = logging.getLogger(__name__)

DISPLAY_FILE = "display.toml"


class DisplayPrefs(BaseModel):
    """Text scale, high contrast and spoken prompts, as the window applies them."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    text_scale: Literal[100, 125, 150, 200] = 100
    high_contrast: bool = False
    speech: bool = False
    speech_voice: str = Field(default="cmn", min_length=1, max_length=100)
    speech_rate: int = Field(default=140, ge=80, le=300)


def display_path(settings: Settings) -> Path:
    return settings.resolved_data_dir() / DISPLAY_FILE


def defaults(settings: Settings) -> DisplayPrefs:
    return DisplayPrefs(text_scale=settings.text_scale, high_contrast=settings.high_contrast,
                        speech=settings.speech, speech_voice=settings.speech_voice, speech_rate=settings.speech_rate)


def load_display(settings: Settings) -> DisplayPrefs:
    """The clerk's last choice on this terminal, else the settings' defaults.

    A damaged file is not worth refusing to start over: it is logged and the defaults are used.
    """
    path = display_path(settings)
    base = defaults(settings)
    if not path.is_file():
        return base
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return DisplayPrefs.model_validate({**base.model_dump(), **data})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as exc:
        log.warning("display preferences in %s ignored: %s", path, exc)
        return base


def save_display(settings: Settings, prefs: DisplayPrefs) -> None:
    """Written atomically, owner-only like the rest of the data directory."""
    path = display_path(settings)
    path.parent.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.unlink(missing_ok=True)
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE), "w",
                   encoding="utf-8") as out:
        out.write(tomli_w.dumps(prefs.model_dump(mode="json")))
    tmp.replace(path)
