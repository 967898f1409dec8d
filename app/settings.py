"""Terminal settings: one TOML file in the platform's config directory.

Only non-secret configuration lives here; the terminal token is in the OS
keyring (app.secrets). An administrator may edit the file by hand, so it is
validated on load and a mistake is reported with the file's path.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import ipaddress
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

import platformdirs
import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.errors import ConfigError
from core.files import SETTINGS_LIMIT, read_text_bounded
from core.private import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE
from protocol.ids import TERMINAL_ID_PATTERN, TERMINAL_ID_RULE
from protocol.signing import SIGNING_KEY_PREFIX

APP_NAME = "sicounter"

DeviceMode = Literal["real", "simulated", "auto", "off"]
DEVICE_MODES: tuple[DeviceMode, ...] = get_args(DeviceMode)
#: the applicant's screen: full screen on a second display when there is one, else a window (auto); always a
#: movable window (window); none (off)
CustomerScreenMode = Literal["auto", "window", "off"]


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


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1 or ``localhost``: the only hosts plain HTTP may reach (nothing else on the wire)."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_central_url(url: str) -> str:
    """The central address, refused (ValueError, in Chinese) unless HTTPS or plain HTTP to this machine.

    Whoever answers an address in clear text on the network could send reference data and statuses
    (issue 16, GB/T 22239 communication security): beyond loopback only TLS, checked against the
    system's trust store or the office's CA (``central_ca_file``).
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"中心系统地址无效：{url!r}（应为 https://主机名:端口）")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ValueError(f"中心系统地址 {url} 使用明文 HTTP：除本机（127.0.0.1、::1、localhost）外必须使用 "
                         "HTTPS，请改为 https:// 地址，并按需配置本单位的 CA 证书（central_ca_file）。")
    return url.strip()


def signing_key_bytes(text: str) -> bytes:
    """The 32 bytes of an enrolled key ``ed25519:<base64>``; ValueError (in Chinese) when malformed."""
    body = text.strip()
    if not body.startswith(SIGNING_KEY_PREFIX):
        raise ValueError(f"中心系统签名公钥应以 {SIGNING_KEY_PREFIX} 开头（由 sicounter central public-key 输出）")
    try:
        raw = base64.b64decode(body[len(SIGNING_KEY_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ValueError("中心系统签名公钥格式有误：应为 32 字节的 Ed25519 公钥（base64）")
    return raw


#: settings that decide whom the terminal trusts: changed only with an administrator's credentials, audited
TRUST_SETTINGS = ("central_url", "central_ca_file", "central_signing_key")


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: HTTPS, or plain HTTP only to a loopback address (``check_central_url``)
    central_url: str = "http://127.0.0.1:8470"
    #: a PEM file of the CA(s) that issued the central system's certificate; None: the system's trust store
    central_ca_file: Path | None = None
    #: the central system's reference-data signing key (``ed25519:…``, from ``sicounter central public-key``);
    #: None: no reference data is accepted (every data set is refused as unverifiable)
    central_signing_key: str | None = None
    #: seconds to wait for the central system's answer; uploads add what the line needs to carry them
    central_timeout: float = Field(default=15.0, gt=0, le=600)
    #: empty until the administrator sets the id ``central add-terminal`` enrolled
    terminal_id: str = Field(default="", max_length=64)
    province_code: str = Field(default="61", pattern=r"^[0-9]{2}$")
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
    #: the applicant's screen (issue 19): ``auto`` full screen on the second display, or a window without one
    customer_screen: CustomerScreenMode = "auto"
    #: a laptop taken to applicants' homes (上门服务, issue 19): it starts in home-visit mode, so every case
    #: taken is marked as taken at the applicant's home, until the clerk switches it off (``app.home_visit``)
    home_visit_mode: bool = False
    #: days after the last successful reference-data check with the central system that the window warns
    #: (amber); after twice as many it warns strongly (red) (``app.reference_age``)
    reference_warn_days: int = Field(default=7, ge=1, le=365)
    #: this terminal's text size in per cent and high-contrast theme (issue 19); a clerk's choice in the window
    #: (显示 menu, Ctrl+= / Ctrl+- / Ctrl+0) is remembered in the data directory (``app.display``) and wins
    text_scale: Literal[100, 125, 150, 200] = 100
    high_contrast: bool = False
    #: spoken prompts to the applicant (``app.speech``): on or off, and the voice (espeak-ng's ``cmn`` is
    #: Mandarin; on Windows a SAPI voice whose name or language contains this, e.g. ``zh`` or ``Huihui``)
    speech: bool = False
    speech_voice: str = Field(default="cmn", min_length=1, max_length=100)
    #: speaking rate in words per minute (slower than espeak-ng's 175 for elderly listeners)
    speech_rate: int = Field(default=140, ge=80, le=300)

    @field_validator("terminal_id")
    @classmethod
    def _terminal_id(cls, value: str) -> str:
        # Checked in full, as the central system checks it when it enrols the terminal: "T1\n" is no id.
        if value and re.fullmatch(TERMINAL_ID_PATTERN, value) is None:
            raise ValueError(TERMINAL_ID_RULE)
        return value

    @field_validator("central_url")
    @classmethod
    def _central_url(cls, value: str) -> str:
        return check_central_url(value)

    @field_validator("central_signing_key")
    @classmethod
    def _signing_key(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        signing_key_bytes(value)
        return value.strip()

    def resolved_data_dir(self) -> Path:
        return self.data_dir or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))

    def database_path(self) -> Path:
        return self.resolved_data_dir() / "counter.sqlite3"


def default_settings_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.toml"


def load_settings(path: Path) -> Settings:
    """Read the settings; a missing file gives the defaults.

    Whatever the path names is read only if it is a regular file of at most ``SETTINGS_LIMIT`` (1 MiB,
    hundreds of times a real settings file) in UTF-8 (``core.files``): ``--config /dev/zero`` or a
    directory is refused with the path, never read to the end.
    """
    if not path.exists() and not path.is_symlink():
        return Settings()
    text = read_text_bounded(path, SETTINGS_LIMIT, "配置文件")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}", user_message=f"配置文件有误：{path}",
                          hint=f"请联系系统管理员修正该文件。TOML 格式错误：{exc}") from exc
    except RecursionError as exc:
        raise ConfigError(f"{path}: nested too deeply", user_message=f"配置文件有误：{path}",
                          hint="请联系系统管理员修正该文件。嵌套层级过深。") from exc
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {exc}", user_message=f"配置文件有误：{path}",
                          hint=f"请联系系统管理员修正该文件。详情：{settings_problems(exc)}") from exc


#: pydantic's error types as Chinese reasons (the context's numbers filled in)
_REASONS = {
    "int_parsing": "应为整数", "int_type": "应为整数", "int_from_float": "应为整数",
    "float_parsing": "应为数字", "float_type": "应为数字", "finite_number": "应为有限的数字",
    "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
    "string_type": "应为文字", "path_type": "应为文件路径", "dict_type": "应为一组设置",
    "greater_than": "应大于 {gt}", "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}", "less_than_equal": "不能大于 {le}",
    "string_too_long": "不能超过 {max_length} 个字符", "string_pattern_mismatch": "格式不符（应符合 {pattern}）",
    "literal_error": "应为以下之一：{expected}", "extra_forbidden": "未知配置项", "missing": "缺少该项",
}


def settings_problems(exc: ValidationError) -> str:
    """Each problem pydantic found, as ``key：reason`` in Chinese (the validators' own reasons are Chinese)."""
    found = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error.get("loc", ()))
        reason = str(error.get("msg", "")).removeprefix("Value error, ")
        template = _REASONS.get(error.get("type", ""))
        if template is not None:
            with contextlib.suppress(KeyError, IndexError, ValueError):
                reason = template.format(**{k: str(v) for k, v in (error.get("ctx") or {}).items()})
        found.append(f"{key}：{reason}" if key else reason)
    return "；".join(found)


def validated_settings(data: dict[str, Any]) -> Settings:
    """``Settings`` from plain values; a refusal is a ``ConfigError`` carrying the validators' Chinese reasons
    (``sicounter config set``, the administrator's trust settings)."""
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"settings refused: {exc}", user_message=f"设置未保存：{settings_problems(exc)}",
                          hint="请改正后重试。") from exc


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically so a crash never leaves half a settings file; the file is its owner's only (0600)."""
    path.parent.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)  # an existing one may be shared: kept
    data = settings.model_dump(mode="json", exclude_none=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.unlink(missing_ok=True)  # a leftover of a crash: created afresh below, with our mode
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE), "w",
                   encoding="utf-8") as out:
        out.write(tomli_w.dumps(data))
    tmp.replace(path)
