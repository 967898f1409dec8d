"""Only the 稽核 role reads the trail, every reading is itself on it, and more of what clerks do is recorded:
views of the records list, clerk administration (window and CLI alike, through the use cases), draft deletion.

Real terminals with their encrypted SQLite files; the acting clerk is created with one role and signs in
with a password, so roles come from the database. ``sicounter`` runs as real processes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app import queries, usecases
from app.permissions import PermissionDenied
from app.queries import RecordFilter, SubmissionState
from app.settings import DeviceSettings, Settings, save_settings
from app.terminal import Terminal
from app.usecases.audit import TrailFilter, read_trail, verify_trail
from app.usecases.drafts import delete_draft
from forms.definitions import load_form
from local_db.audit import AuditRecord
from local_db.clerks import ClerkInfo, Role, add_clerk
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .samples import ID_NUMBER, REGISTRATION, WAIVER
from .test_cli import sicounter

ACTOR_ID, ACTOR_PASSWORD = "2001", "actor-pass-1"


def trail(terminal: Terminal) -> list[AuditRecord]:
    return terminal.audit.find(terminal.db)


def _read(terminal: Terminal, actor: ClerkInfo) -> None:
    read_trail(terminal, actor, TrailFilter(id_number=ID_NUMBER))


def _verify(terminal: Terminal, actor: ClerkInfo) -> None:
    verify_trail(terminal, actor)


def _delete(terminal: Terminal, actor: ClerkInfo) -> None:
    draft = usecases.save_draft(terminal, CLERK, load_form("personal_registration"), REGISTRATION)
    assert delete_draft(terminal, actor, draft.id)


#: use case → the command and the action its success leaves on the trail
USE_CASES: dict[str, tuple[Callable[[Terminal, ClerkInfo], None], str]] = {
    "audit_read": (_read, "read_audit"),
    "audit_verify": (_verify, "read_audit"),
    "draft_delete": (_delete, "delete_draft"),
}
MAY: dict[Role, set[str]] = {
    Role.FRONT_DESK: {"draft_delete"},
    Role.REVIEW: set(),
    Role.APPROVAL: set(),
    Role.SUPERVISOR: set(),
    Role.AUDITOR: {"audit_read", "audit_verify"},
    Role.ADMIN: set(),
}
MATRIX = [(role, case) for role in Role for case in USE_CASES]


@pytest.mark.parametrize(("role", "case"), MATRIX, ids=[f"{r.value}-{c}" for r, c in MATRIX])
def test_only_the_auditor_reads_the_trail(qapp: Any, make_terminal: Any, role: Role, case: str) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    add_clerk(terminal.db, ACTOR_ID, "当事柜员", ACTOR_PASSWORD, roles=frozenset({role}))
    actor = usecases.sign_in(terminal, ACTOR_ID, ACTOR_PASSWORD)
    command, action = USE_CASES[case]
    if case in MAY[role]:
        command(terminal, actor)
        assert [e.action for e in trail(terminal) if e.clerk_id == ACTOR_ID][-1] == action
    else:
        with pytest.raises(PermissionDenied) as refused:
            command(terminal, actor)
        assert refused.value.user_message.startswith(f"柜员 {ACTOR_ID} 无权")
        assert [e.action for e in trail(terminal) if e.clerk_id == ACTOR_ID] == ["sign_in"]


def test_a_reading_is_recorded_with_its_filter_and_on_the_person_trail(qapp: Any, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("personal_registration"), REGISTRATION, waivers={"identity_document": WAIVER},
            signature=SIGNATURE))
    auditor = ClerkInfo("7001", "稽核员", frozenset({Role.AUDITOR}))
    found = read_trail(terminal, auditor, TrailFilter(id_number=ID_NUMBER.lower(), clerk_id=CLERK.id,
                                                      actions=frozenset({"submit", "waiver"})))
    assert [e.action for e in found.entries] == ["waiver", "submit"]  # newest first
    assert found.total == 2 and found.masked_id_number.startswith("110") and "*" in found.masked_id_number
    reading = trail(terminal)[-1]
    assert reading.action == "read_audit" and reading.clerk_id == auditor.id
    assert reading.person_key == terminal.audit.person_key(ID_NUMBER)
    assert reading.detail == {"read": "list", "rows": 2, "total": 2, "page": 0, "by_person": True,
                              "clerk": CLERK.id, "actions": ["submit", "waiver"]}
    # the auditor's own readings are found on that person's trail
    again = read_trail(terminal, auditor, TrailFilter(id_number=ID_NUMBER, actions=frozenset({"read_audit"})))
    assert again.total == 1
    check = verify_trail(terminal, auditor)
    assert check.intact and check.central_held is None and check.central_error  # no central system here
    assert trail(terminal)[-1].detail == {"read": "verify", "intact": True, "entries": check.report.entries,
                                          "broken_at": None, "problem": None}


def test_records_views_are_recorded_by_filter_and_count_never_by_number(qapp: Any, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    accepted = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("personal_registration"), REGISTRATION, waivers={"identity_document": WAIVER},
            signature=SIGNATURE))
    before = len(trail(terminal))
    assert queries.records(terminal, CLERK, audited=False).total == 1  # a refresh nobody asked for: not recorded
    assert len(trail(terminal)) == before
    by_number = queries.records(terminal, CLERK, RecordFilter(text=ID_NUMBER))
    by_name = queries.records(terminal, CLERK, RecordFilter(text=REGISTRATION["name"]))
    by_receipt = queries.records(terminal, CLERK,
                                 RecordFilter(text=accepted.view.counter_receipt_no or ""))
    waiting = queries.records(terminal, CLERK, RecordFilter(states=frozenset({SubmissionState.QUEUED})),
                              page=0)
    assert (by_number.total, by_name.total, by_receipt.total, waiting.total) == (1, 1, 1, 1)
    views = [e for e in trail(terminal) if e.action == "view_records"]
    assert [e.detail.get("search") for e in views] == ["id_number", "text", "receipt_no", None]
    assert views[0].person_key == terminal.audit.person_key(ID_NUMBER)
    assert views[2].detail["receipt_no"] == accepted.view.counter_receipt_no
    assert views[3].detail == {"rows": 1, "total": 1, "page": 0, "states": ["queued"]}
    assert all(e.clerk_id == CLERK.id and e.detail["rows"] == 1 for e in views)
    text = repr([(e.subject, e.detail, e.person_key) for e in views])
    assert ID_NUMBER not in text and REGISTRATION["name"] not in text


def test_clerk_administration_is_recorded_who_to_whom(qapp: Any, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    admin = ClerkInfo("9001", "管理员", frozenset({Role.ADMIN}))
    usecases.create_clerk(terminal, admin, "4001", "新柜员", "new-clerk-pass", frozenset({Role.FRONT_DESK,
                                                                                           Role.REVIEW}))
    usecases.reset_password(terminal, admin, "4001", "changed-pass-2")
    usecases.disable_clerk(terminal, admin, "4001")
    changes = [(e.clerk_id, e.subject, e.detail) for e in trail(terminal) if e.action == "clerk_change"]
    assert changes == [
        ("9001", "4001", {"change": "create", "roles": ["front_desk", "review"]}),
        ("9001", "4001", {"change": "reset_password"}),
        ("9001", "4001", {"change": "disable"}),
    ]
    assert "changed-pass-2" not in repr(trail(terminal))


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "settings.toml"
    save_settings(Settings(central_url="http://127.0.0.1:9", terminal_id="T-AUDIT", data_dir=tmp_path / "data",
                           devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")), path)
    return path


def test_the_audit_and_clerk_commands_need_their_roles_and_are_recorded(
        tmp_path: Path, config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = tmp_path / "keyring.json"
    for name in ("SICOUNTER_AUDITOR", "SICOUNTER_AUDITOR_PASSWORD", "SICOUNTER_ADMIN"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str, **env: str) -> tuple[int, str, str]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        done = sicounter(*args, config=config, keyring_file=keys, input_text="")
        return done.returncode, done.stdout, done.stderr

    code, _out, err = run("clerk", "init-admin", "9001", "--name", "管理员", SICOUNTER_NEW_PASSWORD="admin-pass-1")
    assert code == 0, err
    for staff, roles in (("7001", "auditor"), ("2001", "front_desk")):
        code, _out, err = run("clerk", "add", staff, "--name", "柜员", "--roles", roles, "--admin", "9001",
                              SICOUNTER_ADMIN_PASSWORD="admin-pass-1", SICOUNTER_NEW_PASSWORD="clerk-pass-1")
        assert code == 0, err

    code, _out, err = run("audit", "verify")
    assert code == 2 and "需要稽核人员的工号" in err
    code, _out, err = run("audit", "verify", "--auditor", "2001", SICOUNTER_AUDITOR_PASSWORD="clerk-pass-1")
    assert code == 2 and "无权查阅审计记录" in err
    code, _out, err = run("audit", "list", "--auditor", "9001", SICOUNTER_AUDITOR_PASSWORD="admin-pass-1")
    assert code == 2 and "无权查阅审计记录" in err  # the administrator does not read the trail either
    code, _out, err = run("audit", "list", "--auditor", "7001", SICOUNTER_AUDITOR_PASSWORD="wrong-pass-9")
    assert code == 2 and "密码" in err

    code, out, err = run("audit", "list", "--auditor", "7001", "--action", "clerk_change", "--json",
                         SICOUNTER_AUDITOR_PASSWORD="clerk-pass-1")
    assert code == 0, err
    listed = json.loads(out)
    assert [(e["clerk_id"], e["subject"], e["detail"]["change"]) for e in listed["entries"]] == [
        (None, "9001", "init_admin"), ("9001", "7001", "create"), ("9001", "2001", "create")]
    code, out, err = run("queue", "list", "--json")
    assert code == 0, err
    code, out, err = run("audit", "list", "--auditor", "7001", "--action", "export", "--json",
                         SICOUNTER_AUDITOR_PASSWORD="clerk-pass-1")
    assert [(e["clerk_id"], e["detail"]) for e in json.loads(out)["entries"]] == [
        (None, {"what": "queue_list", "rows": 0, "state": None, "format": "json"})]
    code, out, err = run("audit", "list", "--auditor", "7001", "--action", "read_audit", "--action", "sign_in",
                         "--action", "sign_in_failed", "--json", SICOUNTER_AUDITOR_PASSWORD="clerk-pass-1")
    got = [(e["clerk_id"], e["action"], e["detail"].get("read")) for e in json.loads(out)["entries"]]
    # the refused readers signed in but read nothing; the auditor's reading is recorded
    assert ("2001", "read_audit", "verify") not in got and ("7001", "read_audit", "list") in got
    assert ("7001", "sign_in_failed", None) in got


def test_a_reprint_says_which_copy_it_is(qapp: Any, make_terminal: Any, tmp_path: Path) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    accepted = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("personal_registration"), REGISTRATION, waivers={"identity_document": WAIVER},
            signature=SIGNATURE))
    for n in range(3):
        usecases.print_receipt(terminal, CLERK, accepted.receipt, tmp_path / f"receipt-{n}.pdf")
    prints = [e.detail for e in trail(terminal) if e.action == "print_receipt"]
    no = accepted.receipt.receipt_no
    assert prints == [{"receipt_no": no, "to": "file"}, {"receipt_no": no, "to": "file", "copy": 2},
                      {"receipt_no": no, "to": "file", "copy": 3}]
