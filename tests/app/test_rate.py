"""好差评 through the use case: refused for what is not an accepted case or not a valid rating, audited
without the person, and sent to a real central server process exactly once, also when its answer is lost;
the central system's listing read by ``sicounter central ratings``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app import usecases
from app.terminal import Terminal
from app.usecases.rate import case_rating, rate_case
from central.faultproxy import Fault, FaultProxy
from core.errors import StateError, ValidationError
from forms.definitions import load_form
from local_db.audit import AuditAction, AuditQuery
from local_db.ratings import AlreadyRated, unsent_ratings

from .conftest import CLERK
from .samples import ID_NUMBER, REGISTRATION, SIGNATURE, WAIVER


def accepted_here(terminal: Terminal) -> str:
    return usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("personal_registration"), REGISTRATION, waivers={"identity_document": WAIVER},
        signature=SIGNATURE)).view.id


def rate_entries(terminal: Terminal) -> list[tuple[str | None, dict[str, object]]]:
    found, _n = terminal.audit.search(terminal.db, AuditQuery(actions=frozenset({AuditAction.RATE.value})))
    return [(entry.subject, dict(entry.detail)) for entry in found]


def central_ratings(central_db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``sicounter central ratings`` (the terminal's command line hands ``central`` on to the central system's)."""
    return subprocess.run([sys.executable, "-m", "app", "central", "ratings", "--db", str(central_db), *args],
                          capture_output=True, text=True, timeout=60, check=True)


def test_an_accepted_case_is_rated_and_audited_without_the_person(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    sid = accepted_here(terminal)
    view = rate_case(terminal, CLERK, sid, 1, ["attitude", "slow"])
    assert (view.level, view.reasons, view.clerk_id) == (1, ("attitude", "slow"), CLERK.id)
    assert rate_entries(terminal) == [(sid, {"rating": view.id, "level": 1, "reasons": ["attitude", "slow"]})]
    found, _n = terminal.audit.search(terminal.db, AuditQuery(actions=frozenset({AuditAction.RATE.value})))
    assert found[0].person_key is None and ID_NUMBER not in json.dumps(found[0].detail, ensure_ascii=False)
    stored = case_rating(terminal, CLERK, sid)
    assert stored is not None and stored.id == view.id


def test_a_draft_cannot_be_rated(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    draft = usecases.save_draft(terminal, CLERK, load_form("personal_registration"), REGISTRATION)
    with pytest.raises(StateError) as refused:
        rate_case(terminal, CLERK, draft.id, 5)
    assert refused.value.user_message == "草稿尚未受理，不能评价。"
    assert case_rating(terminal, CLERK, draft.id) is None and rate_entries(terminal) == []


def test_an_unknown_case_or_a_one_time_notice_cannot_be_rated(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    with pytest.raises(StateError) as refused:
        rate_case(terminal, CLERK, "6f1c1b8e-3f0a-4c1e-9d1a-0b7a4f5e2f7c", 5)
    assert refused.value.user_message.startswith("未找到该业务记录")


def test_a_second_rating_of_a_case_is_refused(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    sid = accepted_here(terminal)
    first = rate_case(terminal, CLERK, sid, 5)
    with pytest.raises(AlreadyRated) as refused:
        rate_case(terminal, CLERK, sid, 2, ["slow"])
    assert "不能重复评价" in refused.value.user_message
    stored = case_rating(terminal, CLERK, sid)
    assert stored is not None and (stored.id, stored.level) == (first.id, 5)
    assert len(rate_entries(terminal)) == 1


@pytest.mark.parametrize("level", [0, 6, -1])
def test_a_level_outside_one_to_five_is_refused(make_terminal: Any, level: int) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    sid = accepted_here(terminal)
    with pytest.raises(ValidationError) as refused:
        rate_case(terminal, CLERK, sid, level)
    assert refused.value.field == "level" and refused.value.user_message == "评价等级须为 1 至 5。"
    assert case_rating(terminal, CLERK, sid) is None


@pytest.mark.parametrize("level", [1, 2])
def test_a_low_level_without_a_reason_is_refused(make_terminal: Any, level: int) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    sid = accepted_here(terminal)
    with pytest.raises(ValidationError) as refused:
        rate_case(terminal, CLERK, sid, level, [])
    assert refused.value.field == "reasons" and "须至少选择一项原因" in refused.value.user_message
    assert case_rating(terminal, CLERK, sid) is None and rate_entries(terminal) == []


def test_an_unknown_reason_code_is_refused(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    sid = accepted_here(terminal)
    with pytest.raises(ValidationError, match="不在目录中"):
        rate_case(terminal, CLERK, sid, 2, ["rude-words"])


def test_a_rating_goes_to_the_central_system_exactly_once_after_a_lost_answer(
        start_central: Any, make_terminal: Any, central_db: Path) -> None:
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        assert terminal.sender is not None
        sid = accepted_here(terminal)
        assert terminal.sender.sync_once().error is None  # the case is at the central system
        view = rate_case(terminal, CLERK, sid, 2, ["slow"])

        proxy.add(Fault("lose_answer", method="POST", path=f"/v1/submissions/{sid}/rating"))
        lost = terminal.sender.sync_once()
        assert lost.error is not None and proxy.stats.faults_injected.get("lose_answer") == 1
        assert [r.id for r in unsent_ratings(terminal.db)] == [view.id]  # it waits, unsent
        assert [r["id"] for r in json.loads(central_ratings(central_db, "--json").stdout)] == [view.id]

        again = terminal.sender.sync_once()
        assert again.error is None and again.ratings_sent == 1 and unsent_ratings(terminal.db) == []
        assert terminal.sender.sync_once().ratings_sent == 0  # sent: it does not go again
    listed = json.loads(central_ratings(central_db, "--json").stdout)
    assert len(listed) == 1  # once, although it was sent twice
    assert {k: listed[0][k] for k in ("submission_id", "clerk_id", "level", "reasons", "item_code")} == {
        "submission_id": sid, "clerk_id": CLERK.id, "level": 2, "reasons": ["slow"],
        "item_code": "personal_registration"}
    assert "李秀英" not in json.dumps(listed, ensure_ascii=False) and ID_NUMBER not in json.dumps(listed)
    stored = case_rating(terminal, CLERK, sid)
    assert stored is not None and stored.sent_at is not None


def test_a_rating_recorded_offline_waits_and_goes_with_the_next_sync(
        start_central: Any, make_terminal: Any, central_db: Path) -> None:
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        assert terminal.sender is not None
        sid = accepted_here(terminal)
        assert terminal.sender.sync_once().error is None
        view = rate_case(terminal, CLERK, sid, 5)
        proxy.add(Fault("drop", method="POST", path=f"/v1/submissions/{sid}/rating"))
        assert terminal.sender.sync_once().error is not None
        assert [r.id for r in unsent_ratings(terminal.db)] == [view.id]
        assert json.loads(central_ratings(central_db, "--json").stdout) == []  # never arrived
        assert terminal.sender.sync_once().ratings_sent == 1
    table = central_ratings(central_db)
    [line] = table.stdout.splitlines()
    assert view.id in line and "personal_registration" in line and "5 非常满意" in line
    assert "1 rating(s)" in table.stderr


def test_a_rating_given_before_its_case_was_sent_goes_after_the_case(
        start_central: Any, make_terminal: Any, central_db: Path) -> None:
    server = start_central()
    terminal = make_terminal(server.base_url, start_sender=False)
    assert terminal.sender is not None
    sid = accepted_here(terminal)
    view = rate_case(terminal, CLERK, sid, 4)  # at once, the case still queued here
    assert unsent_ratings(terminal.db) == []  # it waits for its case
    summary = terminal.sender.sync_once()
    assert summary.error is None and summary.ratings_sent == 1
    assert [r["id"] for r in json.loads(central_ratings(central_db, "--json").stdout)] == [view.id]
    stored = case_rating(terminal, CLERK, sid)
    assert stored is not None and stored.sent_at is not None and stored.last_error is None
