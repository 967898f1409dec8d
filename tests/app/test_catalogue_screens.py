"""Every catalogue tile opens something that works (issue 20): a form, or a screen the window has."""

from __future__ import annotations

import json

import pytest

from app.ui.screens import SCREENS, unknown_screens
from core.errors import ConfigError
from forms import catalogue
from forms.catalogue import load_catalogue
from forms.refdata import read_json


def test_every_item_has_a_form_or_a_screen() -> None:
    for item in load_catalogue():
        assert (item.form_code is None) != (item.screen is None), item.code


def test_every_screen_the_catalogue_names_is_in_the_window_s_table() -> None:
    assert unknown_screens(load_catalogue()) == []


def test_the_query_tiles_open_query_screens() -> None:
    screens = {item.code: item.screen for item in load_catalogue()}
    for code in ("personal_query", "employer_query", "identity_verification", "qualification_query",
                 "age_confirmation_query", "death_report_query"):
        assert screens[code] in SCREENS


def test_the_national_network_query_left_the_catalogue() -> None:
    assert "national_query" not in {item.code for item in load_catalogue()}


def _with_item(monkeypatch: pytest.MonkeyPatch, **fields: object) -> None:
    data = read_json("service_items.json")
    assert isinstance(data, dict)
    item = {"code": "x", "name": "某事项", "category": "信息查询", "initials": "x"} | fields
    data = json.loads(json.dumps(data)) | {"items": [*data["items"], item]}
    monkeypatch.setattr(catalogue, "read_json", lambda _name: data)


def test_an_item_with_neither_form_nor_screen_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _with_item(monkeypatch)
    with pytest.raises(ConfigError):
        load_catalogue()


def test_an_item_with_both_form_and_screen_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _with_item(monkeypatch, form_code="personal_registration", screen="personal_query")
    with pytest.raises(ConfigError):
        load_catalogue()
