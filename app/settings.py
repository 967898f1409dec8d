"""Terminal settings: one TOML file in the platform's config directory.

Only non-secret configuration lives here; the terminal token is in the OS
keyring (app.secrets). An administrator may edit the file by hand, so it is
validated on load and a mistake is reported with the file's path.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal, get_args

import platformdirs
import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import ConfigError

APP_NAME = "sicounter"

DeviceMode = Literal["real", "simulated", "auto", "off"]
DEVICE_MODES: tuple[DeviceMode, ...] = get_args(DeviceMode)


class DeviceSettings(BaseModel):
    """Per device: a real reader, the simulator, real when one is found (auto), or none (off)."""

    model_config = ConfigDict(extra="forbid")
    card_reader: DeviceMode = "auto"
    #: watch only this PC/SC reader (e.g. when a PIN pad also shows up as a reader); None: the first with a card
    card_reader_name: str | None = None
    #: the ID reader's serial port (e.g. /dev/ttyUSB0, COM3); None: probe the ports and remember the one found
    id_reader_port: str | None = None
    #: its baud rate; None: try the common rates
    id_reader_baud: int | None = None
    id_reader: DeviceMode = "auto"
    camera: DeviceMode = "auto"
    #: use the camera whose name contains this (or whose index or /dev path it is); None: the first found
    camera_name: str | None = None
    #: pixels per millimetre at the document plane, when calibrated (true-size pages); None: sizes by aspect
    camera_px_per_mm: float | None = Field(default=None, gt=0)
    #: how pages are kept: colour keeps red stamps; grey and bw make smaller files
    scan_mode: Literal["colour", "grey", "bw"] = "colour"
    scan_dpi: int = Field(default=200, ge=100, le=600)
    #: JPEG size limit per page (the central system's upload limits are per document)
    scan_max_kb: int = Field(default=500, ge=50, le=5000)

    def mode(self, key: str, default: DeviceMode = "off") -> DeviceMode:
        """The mode of the device registered as ``key`` (``card_reader``, ``camera``…).

        A device these settings have no field for (a new one, or one a test registers) runs in ``default``.
        """
        value = getattr(self, key) if key in type(self).model_fields else None
        return next((mode for mode in DEVICE_MODES if mode == value), default)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    central_url: str = "http://127.0.0.1:8470"
    #: seconds to wait for the central system's answer; uploads add what the line needs to carry them
    central_timeout: float = Field(default=15.0, gt=0, le=600)
    terminal_id: str = Field(default="", max_length=64)
    province_code: str = Field(default="61", pattern=r"^\d{2}$")
    office_name: str = ""
    data_dir: Path | None = None  # None: the platform's data directory
    devices: DeviceSettings = DeviceSettings()
    #: wrong passwords in a row that lock a clerk's sign-in (issue 16, GB/T 22239 identity authentication)
    signin_max_failures: int = Field(default=5, ge=1, le=100)
    #: minutes a locked clerk waits before signing in again (an administrator's password reset lifts it)
    signin_lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    #: days after the central system closed a case (a draft: after its last change) that its personal data
    #: and scans stay on the terminal before the daily purge removes them (issue 16; ``local_db.retention``)
    retention_days: int = Field(default=30, ge=1, le=3650)
    #: minutes without keyboard or mouse input after which the window locks itself (0: never)
    idle_lock_minutes: int = Field(default=5, ge=0, le=24 * 60)

    def resolved_data_dir(self) -> Path:
        return self.data_dir or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))

    def database_path(self) -> Path:
        return self.resolved_data_dir() / "counter.sqlite3"


def default_settings_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.toml"


def load_settings(path: Path) -> Settings:
    """Read the settings; a missing file gives the defaults."""
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Settings.model_validate(data)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValidationError) as exc:
        raise ConfigError(f"{path}: {exc}", user_message=f"配置文件有误：{path}",
                          hint=f"请联系系统管理员修正该文件。详情：{exc}") from exc


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically so a crash never leaves half a settings file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = settings.model_dump(mode="json", exclude_none=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
    tmp.replace(path)
