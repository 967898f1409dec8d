"""``central.cli.main`` in-process for the commands that do not serve."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from central.cli import build_parser, default_db_path, main
from central.store import CentralStore, IncomingSubmission


def test_add_terminal_prints_only_the_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "central.sqlite3"
    assert main(["add-terminal", "T1", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    token = out.strip()
    assert out == token + "\n" and " " not in token and len(token) >= 40
    with CentralStore.open(db) as store:
        assert store.authenticate(token) == "T1"


def test_add_terminal_refuses_a_bad_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add-terminal", "bad id", "--db", str(tmp_path / "c.sqlite3")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "终端编号格式不正确" in captured.err


def test_list_submissions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "central.sqlite3"
    with CentralStore.open(db) as store:
        store.add_terminal("T1")
        submission_id = str(uuid.uuid4())
        store.submit(IncomingSubmission(id=submission_id, item_code="x", version=1, terminal_id="T1",
                                        clerk_id="c", created_at="2026-11-23T09:30:00+08:00",
                                        payload={"id_number": "110101195001011234"}))
    capsys.readouterr()

    assert main(["list-submissions", "--db", str(db), "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in records] == [submission_id]
    assert "payload" not in records[0]

    assert main(["list-submissions", "--db", str(db), "--json", "--include-payload"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["payload"] == {"id_number": "110101195001011234"}


def test_list_submissions_without_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.sqlite3"
    assert main(["list-submissions", "--db", str(missing)]) == 1
    assert "no database" in capsys.readouterr().err
    assert not missing.exists()


def test_defaults() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.db) == ("127.0.0.1", 8470, None)
    assert default_db_path().name == "central.sqlite3"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--port", "70000"])


def test_openapi_command_prints_the_published_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi"]) == 0
    published = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
    assert capsys.readouterr().out == published.read_text(encoding="utf-8"), (
        "docs/openapi.json is stale; regenerate it with: .venv/bin/python -m central openapi > docs/openapi.json")


def test_db_url_is_an_alternative_to_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "central.sqlite3"
    assert main(["add-terminal", "T1", "--db-url", f"sqlite:///{db}"]) == 0
    token = capsys.readouterr().out.strip()
    with CentralStore.open(db) as store:
        assert store.authenticate(token) == "T1"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["add-terminal", "T1", "--db", str(db), "--db-url", f"sqlite:///{db}"])
    assert main(["add-terminal", "T2", "--db-url", "oracle://nobody@nowhere/db"]) == 2
    assert "unsupported database" in capsys.readouterr().err


def test_a_database_of_the_first_release_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    db = tmp_path / "old.sqlite3"
    with sqlite3.connect(db) as raw:
        raw.execute("CREATE TABLE submissions (id TEXT PRIMARY KEY, terminal_id TEXT, receipt_number TEXT)")
    raw.close()
    assert main(["list-submissions", "--db", str(db)]) == 2  # could not run on this input (core.cli)
    assert "older version" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["serve", "--review", "sometimes"],
    ["serve", "--review-delay", "-1"],
    ["serve", "--busy-every", "-2"],
    ["review", "x"],
    ["review", "x", "--approve", "--return", "why"],
])
def test_bad_serve_and_review_options(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(argv)
