"""Settings file and keyring: defaults, round trip, clear refusal of a broken file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.secrets import SecretStore, file_keyring, os_keyring
from app.settings import DeviceSettings, Settings, default_settings_path, load_settings, save_settings
from core.errors import ConfigError


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "nope.toml")
    assert settings == Settings()
    assert settings.devices.card_reader == "auto"


def test_default_path_is_in_the_platform_config_dir() -> None:
    # conftest points XDG_CONFIG_HOME into a temp dir
    assert default_settings_path() == Path(os.environ["XDG_CONFIG_HOME"]) / "sicounter" / "settings.toml"


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "settings.toml"
    original = Settings(central_url="https://central.example:8443", terminal_id="TC-0042", province_code="61",
                        office_name="铜川市社保中心一号窗口", data_dir=tmp_path / "data",
                        devices=DeviceSettings(card_reader="real", id_reader="simulated", camera="auto"))
    save_settings(original, path)
    assert "TC-0042" in path.read_text(encoding="utf-8")
    assert load_settings(path) == original
    assert original.database_path() == tmp_path / "data" / "counter.sqlite3"


@pytest.mark.parametrize("text", [
    "central_url = ",                       # not TOML
    "province_code = '6'",                  # wrong shape
    "[devices]\ncard_reader = 'maybe'",     # unknown device mode
    "tokn = 'typo'",                        # unknown key
])
def test_broken_file_is_reported_with_its_path(tmp_path: Path, text: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert str(path) in err.value.user_message


def test_token_lives_in_the_keyring_not_the_settings(tmp_path: Path) -> None:
    store = SecretStore(file_keyring(tmp_path / "keyring"))
    store.set_terminal_token("s3cr3t-token")
    assert SecretStore(file_keyring(tmp_path / "keyring")).terminal_token() == "s3cr3t-token"
    save_settings(Settings(terminal_id="T1"), tmp_path / "settings.toml")
    assert "s3cr3t" not in (tmp_path / "settings.toml").read_text(encoding="utf-8")
    # a demo store on the same keyring never sees the real terminal's token
    assert SecretStore(file_keyring(tmp_path / "keyring"), service="sicounter-demo").terminal_token() is None


def test_no_os_keyring_is_a_clear_error() -> None:
    assert os_keyring() is None  # conftest selects keyring's "fail" backend
    with pytest.raises(ConfigError) as err:
        SecretStore(None).terminal_token()
    assert "密钥库" in err.value.user_message
