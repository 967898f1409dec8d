"""Reference data is taken only as the central system signed it (issue 16, item 3), against the real
central process over real HTTP.

The attack issue 16 was filed with: whoever answers as the central system sends retirement_approval with
its review switched off at the same version, and the next retirement case goes out with no second clerk.
Here that set, an unsigned one, one tampered with on the way, one signed with another key, an older one
and one changed under the same version are all refused, change nothing, are audited and reported; a
signed update that weakens a safeguard waits for an administrator; one that strengthens takes effect.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any

import httpx
import pytest

from app import usecases
from app.permissions import PermissionDenied
from app.secrets import SecretStore
from app.terminal import Terminal, build_terminal
from central.process import CentralServerProcess
from forms.definitions import TIER_LABELS, load_form
from local_db.audit import AuditAction
from local_db.clerks import ClerkInfo, Role, add_clerk
from protocol.canonical import canonical_sha256
from sync.events import ReferenceAwaiting, ReferenceRefused, ReferenceUpdated
from tests.app.conftest import CLERK, CentralKey, make_central_key
from tests.app.samples import RETIREMENT

#: the shipped retirement definition, which the attacks below try to weaken
SHIPPED = load_form("retirement_approval")
LOWERED = f"审核级别由“{TIER_LABELS[SHIPPED.review.tier]}”降为“无需复核”"

ADMIN = ClerkInfo("9001", "系统管理员", frozenset({Role.ADMIN}))


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    """The central system's reference directory: the shipped forms and holidays."""
    directory = tmp_path / "reference-src"
    shipped = Path(str(files("resources")))
    shutil.copytree(shipped / "forms", directory / "forms")
    shutil.copy(shipped / "rules" / "holidays_cn.json", directory / "holidays.json")
    return directory


def edit_form(reference: Path, code: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = reference / "forms" / f"{code}.json"
    form = json.loads(path.read_text(encoding="utf-8"))
    change(form)
    path.write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")


def heard(terminal: Terminal) -> list[object]:
    events: list[object] = []
    terminal.events.subscribe(events.append)
    return events


def trail(terminal: Terminal, action: AuditAction) -> list[dict[str, object]]:
    return [{"subject": e.subject, "clerk": e.clerk_id, **e.detail} for e in terminal.audit.find(terminal.db)
            if e.action == action.value]


def retirement_tier(terminal: Terminal) -> str:
    terminal.reference.forget()
    return terminal.reference.form("retirement_approval").review_tier(RETIREMENT)


def pull(terminal: Terminal) -> list[str]:
    assert terminal.sender is not None
    return terminal.sender.pull_reference()


def test_the_issues_attack_same_version_without_review_is_refused(start_central: Any, make_terminal: Any,
                                                                  reference: Path) -> None:
    server = start_central(extra_args=("--reference-dir", str(reference)))
    terminal: Terminal = make_terminal(server.base_url, start_sender=False)
    assert sorted(pull(terminal)) == ["forms", "holidays"]  # the signed shipped data: taken
    forms_before = (terminal.settings.resolved_data_dir() / "reference" / "forms.json").read_bytes()
    events = heard(terminal)

    edit_form(reference, "retirement_approval", lambda form: form.update(review={"tier": "none"}))  # same version
    assert pull(terminal) == []
    refused = [e for e in events if isinstance(e, ReferenceRefused)]
    assert len(refused) == 1 and refused[0].name == "forms"
    assert "retirement_approval" in refused[0].reason and "未变但内容被改动" in refused[0].reason
    assert retirement_tier(terminal) == SHIPPED.review.tier  # the next retirement case still needs a second clerk
    assert (terminal.settings.resolved_data_dir() / "reference" / "forms.json").read_bytes() == forms_before
    [entry] = trail(terminal, AuditAction.REFERENCE_REFUSED)
    assert entry["subject"] == "forms" and entry["version"] == 2 and "未变但内容被改动" in str(entry["reason"])

    assert pull(terminal) == []  # not fetched, refused and reported again on every cycle
    assert len([e for e in events if isinstance(e, ReferenceRefused)]) == 1


def test_unsigned_data_is_refused(central_db: Path, tmp_path: Path, make_terminal: Any, reference: Path) -> None:
    with CentralServerProcess.start(central_db, stderr_path=tmp_path / "unsigned.log",
                                    extra_args=("--reference-dir", str(reference))) as server:  # no signing key
        terminal: Terminal = make_terminal(server.base_url, start_sender=False)
        events = heard(terminal)
        assert pull(terminal) == []
    reasons = {e.name: e.reason for e in events if isinstance(e, ReferenceRefused)}
    assert reasons == {"forms": "参考数据未签名", "holidays": "参考数据未签名"}
    assert not (terminal.settings.resolved_data_dir() / "reference" / "forms.json").exists()
    assert {e["subject"] for e in trail(terminal, AuditAction.REFERENCE_REFUSED)} == {"forms", "holidays"}


def test_a_terminal_enrolled_with_another_key_refuses(start_central: Any, make_terminal: Any, reference: Path,
                                                     tmp_path: Path, central_key: CentralKey,
                                                     secrets_store: SecretStore) -> None:
    server = start_central(extra_args=("--reference-dir", str(reference)))
    other = make_central_key(tmp_path / "other-keyring")
    terminal: Terminal = make_terminal(server.base_url, start_sender=False, signing_key=other.public_key)
    events = heard(terminal)
    assert pull(terminal) == []
    assert {e.name for e in events if isinstance(e, ReferenceRefused)} == {"forms", "holidays"}
    assert all("签名无效" in e.reason for e in events if isinstance(e, ReferenceRefused))
    assert not (terminal.settings.resolved_data_dir() / "reference" / "forms.json").exists()
    assert pull(terminal) == []  # the same offer under the same key: not asked again

    terminal.close()  # the administrator enrolls the right key: the same offer is asked for again
    settings = terminal.settings.model_copy(update={"central_signing_key": central_key.public_key})
    enrolled = build_terminal(settings, secrets_store, start_sender=False, start_devices=False)
    try:
        assert enrolled.sender is not None and sorted(enrolled.sender.pull_reference()) == ["forms", "holidays"]
    finally:
        enrolled.close()


class TamperingProxy:
    """A man in the middle on loopback: passes requests to the central system, and rewrites the forms
    it sends (retirement_approval without review), keeping the central system's headers and signature."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "if-none-match")}
                answer = httpx.get(proxy.upstream + self.path, headers=headers, timeout=30)
                body = answer.content
                if self.path == "/v1/reference/forms" and answer.status_code == 200:
                    forms = json.loads(body)
                    forms["retirement_approval"]["review"] = {"tier": "none"}
                    body = json.dumps(forms, ensure_ascii=False).encode("utf-8")
                self.send_response(answer.status_code)
                for name, value in answer.headers.items():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> TamperingProxy:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def tampering(start_central: Any, reference: Path) -> Iterator[TamperingProxy]:
    server = start_central(extra_args=("--reference-dir", str(reference)))
    with TamperingProxy(server.base_url) as proxy:
        yield proxy


def test_data_tampered_with_on_the_way_is_refused(tampering: TamperingProxy, make_terminal: Any) -> None:
    terminal: Terminal = make_terminal(tampering.url, start_sender=False)
    events = heard(terminal)
    assert pull(terminal) == ["holidays"]  # untouched: taken
    [refused] = [e for e in events if isinstance(e, ReferenceRefused)]
    assert refused.name == "forms" and "签名无效" in refused.reason
    assert retirement_tier(terminal) == SHIPPED.review.tier


def test_an_older_or_same_version_changed_set_is_refused(start_central: Any, make_terminal: Any, reference: Path,
                                                         central_db: Path) -> None:
    """A central system (or a replay) that sends holidays changed under the version already accepted, or
    under an older one: refused. The central's version table is set by hand to make it misbehave."""
    server = start_central(extra_args=("--reference-dir", str(reference)))
    terminal: Terminal = make_terminal(server.base_url, start_sender=False)
    assert sorted(pull(terminal)) == ["forms", "holidays"]
    holidays = json.loads((reference / "holidays.json").read_text(encoding="utf-8"))

    def publish(year: int) -> None:
        holidays[str(year)] = {"holidays": [f"{year}-01-01"], "workdays": []}
        (reference / "holidays.json").write_text(json.dumps(holidays, ensure_ascii=False), encoding="utf-8")

    publish(2031)
    assert pull(terminal) == ["holidays"]  # version 2, a new version: taken
    events = heard(terminal)
    publish(2032)
    with sqlite3.connect(central_db) as db:  # the change goes out under version 2 again
        db.execute("UPDATE reference_versions SET sha256 = ? WHERE name = 'holidays'", (canonical_sha256(holidays),))
    assert pull(terminal) == []
    publish(2033)
    with sqlite3.connect(central_db) as db:  # and the next one under version 1
        db.execute("UPDATE reference_versions SET sha256 = 'x', version = 0 WHERE name = 'holidays'")
    assert pull(terminal) == []
    assert [e.reason for e in events if isinstance(e, ReferenceRefused)] == [
        "版本 2 未变但内容被改动", "版本 1 低于本机已接受的版本 2（疑似旧数据重放）"]
    terminal.reference.forget()
    assert 2031 in terminal.reference.calendar().years
    assert not {2032, 2033} & set(terminal.reference.calendar().years)


def test_a_signed_weakening_waits_for_an_administrator(start_central: Any, make_terminal: Any,
                                                       reference: Path) -> None:
    server = start_central(extra_args=("--reference-dir", str(reference)))
    terminal: Terminal = make_terminal(server.base_url, start_sender=False)
    add_clerk(terminal.db, ADMIN.id, ADMIN.name, "admin-pass-1", roles=ADMIN.roles)
    assert sorted(pull(terminal)) == ["forms", "holidays"]
    events = heard(terminal)

    def weaken(form: dict[str, Any]) -> None:
        form["version"] += 1
        form["review"] = {"tier": "none"}
        form["name"] = "退休核准（新版）"

    edit_form(reference, "retirement_approval", weaken)
    edit_form(reference, "personal_registration", lambda form: form.update(version=form["version"] + 1,
                                                                          name="个人参保登记（新版）"))
    assert pull(terminal) == ["forms"]  # the set is in force, the weakened form is not
    assert [e.keys for e in events if isinstance(e, ReferenceAwaiting)] == [("retirement_approval",)]
    assert retirement_tier(terminal) == SHIPPED.review.tier
    assert terminal.reference.form("personal_registration").name == "个人参保登记（新版）"
    [update] = trail(terminal, AuditAction.REFERENCE_UPDATE)[-1:]
    assert update["held_for_confirmation"] == ["retirement_approval"]

    assert pull(terminal) == []  # nothing new: still pending, still the old definition
    with pytest.raises(PermissionDenied):
        usecases.pending_reference(terminal, CLERK)
    [pending] = usecases.pending_reference(terminal, ADMIN)
    assert (pending.key, pending.version, pending.title) == ("retirement_approval", SHIPPED.version + 1,
                                                             "退休核准（新版）")
    assert pending.weakenings == (LOWERED,)
    with pytest.raises(PermissionDenied):
        usecases.confirm_reference(terminal, CLERK, "retirement_approval")
    assert retirement_tier(terminal) == SHIPPED.review.tier

    usecases.confirm_reference(terminal, ADMIN, "retirement_approval")
    assert retirement_tier(terminal) == "none"
    assert usecases.pending_reference(terminal, ADMIN) == []
    [confirmed] = trail(terminal, AuditAction.REFERENCE_CONFIRM)
    assert confirmed["clerk"] == ADMIN.id and confirmed["subject"] == "forms/retirement_approval"
    assert confirmed["entry_version"] == SHIPPED.version + 1 and confirmed["weakenings"] == [LOWERED]
    assert any(isinstance(e, ReferenceUpdated) for e in events)


def test_a_signed_strengthening_takes_effect_at_once(start_central: Any, make_terminal: Any,
                                                     reference: Path) -> None:
    server = start_central(extra_args=("--reference-dir", str(reference)))
    terminal: Terminal = make_terminal(server.base_url, start_sender=False)
    assert terminal.reference.form("personal_registration").review.tier == "none"
    edit_form(reference, "personal_registration",
              lambda form: form.update(version=form["version"] + 1, review={"tier": "review"}))
    events = heard(terminal)
    assert sorted(pull(terminal)) == ["forms", "holidays"]
    assert terminal.reference.form("personal_registration").review.tier == "review"
    assert not [e for e in events if isinstance(e, ReferenceAwaiting | ReferenceRefused)]


def test_a_cached_form_changed_at_the_shipped_version_is_not_used(make_terminal: Any) -> None:
    """What is in the cache (written by an older release, or by hand) meets the same rule when read: a
    definition at the shipped version that says something else is not used; a newer one is."""
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    shipped = json.loads((files("resources") / "forms" / "retirement_approval.json").read_text(encoding="utf-8"))
    cache = terminal.settings.resolved_data_dir() / "reference" / "forms.json"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"retirement_approval": {**shipped, "review": {"tier": "none"}}}), encoding="utf-8")
    assert retirement_tier(terminal) == SHIPPED.review.tier
    cache.write_text(json.dumps({"retirement_approval": shipped}), encoding="utf-8")  # the same text: fine
    assert retirement_tier(terminal) == SHIPPED.review.tier
    assert terminal.reference.form("retirement_approval").version == SHIPPED.version
    newer = {**shipped, "version": shipped["version"] + 1, "name": "退休核准（新版）"}
    cache.write_text(json.dumps({"retirement_approval": newer}), encoding="utf-8")
    terminal.reference.forget()
    assert terminal.reference.form("retirement_approval").name == "退休核准（新版）"
