"""办件查询: every criterion alone and combined, on a real encrypted SQLite file of 450 records, with paging;
the trail of a search never holds an ID number or a part of one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from app import queries
from app.queries import RecordFilter, SearchTooBroad, SubmissionState
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import Terminal, build_terminal
from central.store import add_terminal
from forms.idnumber import check_character
from local_db.audit import AuditAction, AuditQuery
from local_db.clerks import Role, add_clerk
from local_db.models import Submission
from local_db.submissions import ApplicantData, create_submission

from .conftest import CLERK, PASSWORD, TERMINAL_ID, make_central_key

ROWS = 450
#: received one an hour from this moment on
BASE = datetime(2026, 11, 1, tzinfo=UTC)
STATE_OF = {0: SubmissionState.QUEUED, 1: SubmissionState.ACCEPTED, 2: SubmissionState.CLOSED,
            3: SubmissionState.RETURNED, 4: SubmissionState.QUEUED}


def id_number(n: int) -> str:
    body = f"61020219700101{n:03d}"
    return body + check_character(body)


def name(n: int) -> str:
    return f"张三丰{n:03d}" if n % 50 == 7 else f"申请人{n:03d}"


def item(n: int) -> str:
    return "retirement_approval" if n % 4 == 0 else "personal_registration"


def clerk(n: int) -> str:
    return "1002" if n % 10 == 0 else CLERK.id


def central_receipt(n: int) -> str | None:
    return f"SB20261101{n:06d}" if STATE_OF[n % 5] is not SubmissionState.QUEUED else None


@pytest.fixture(scope="module")
def terminal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Terminal, list[str]]]:
    """450 records of varied people, items, clerks, states and times, in a terminal's real (encrypted) database
    file; made once for the module (the searches only add trail entries)."""
    root = tmp_path_factory.mktemp("records-search")
    secrets = SecretStore(file_keyring(root / "keyring"))
    secrets.set_terminal_token(add_terminal(root / "central.sqlite3", TERMINAL_ID))
    settings = Settings(central_url="http://127.0.0.1:9", terminal_id=TERMINAL_ID, office_name="测试大厅",
                        central_signing_key=make_central_key(root / "central-keyring").public_key,
                        data_dir=root / "terminal", devices=DeviceSettings())
    made = build_terminal(settings, secrets, start_sender=False)
    add_clerk(made.db, CLERK.id, CLERK.name, PASSWORD, roles=CLERK.roles)
    add_clerk(made.db, "1002", "另一柜员", "other-pass", roles=frozenset({Role.FRONT_DESK}))
    ids = [create_submission(made.db, item_code=item(n), form_version=1, terminal_id=TERMINAL_ID, clerk_id=clerk(n),
                             applicant=ApplicantData(id_number(n), name(n)), payload={"n": n},
                             counter_receipt_no=f"T-TEST-01-20261101-{n:04d}").id for n in range(ROWS)]
    with made.db.sessions.begin() as s:
        for n, sid in enumerate(ids):
            s.execute(update(Submission).where(Submission.id == sid).values(
                created_at=BASE + timedelta(hours=n), state=STATE_OF[n % 5].value,
                receipt_number=central_receipt(n)))
    yield made, ids
    made.close()


def numbers(page: queries.RecordPage, ids: list[str]) -> list[int]:
    """Which of the made records a page shows (by their number n), in the order shown."""
    where = {sid: n for n, sid in enumerate(ids)}
    return [where[r.id] for r in page.records]


def search(terminal: Terminal, **criteria: Any) -> queries.RecordPage:
    return queries.records(terminal, CLERK, RecordFilter(**criteria), page_size=1000)


def last_search(terminal: Terminal) -> tuple[dict[str, object], str | None]:
    found, _total = terminal.audit.search(terminal.db, AuditQuery(actions=frozenset({AuditAction.VIEW_RECORDS.value})),
                                          limit=1)
    return found[0].detail, found[0].person_key


def test_search_by_part_of_the_name(terminal: tuple[Terminal, list[str]]) -> None:
    db, ids = terminal
    assert sorted(numbers(search(db, name="三丰"), ids)) == [n for n in range(ROWS) if n % 50 == 7]


def test_search_by_the_last_four_characters_of_the_id_number(terminal: tuple[Terminal, list[str]]) -> None:
    db, ids = terminal
    assert numbers(search(db, id_number=id_number(123)[-4:]), ids) == [123]
    inside = id_number(238)[9:13]  # four characters from the middle of a number: not its start, not its end
    assert search(db, id_number=inside).total == 0


def test_search_by_the_first_six_digits_of_the_id_number_pages_through_all(
        terminal: tuple[Terminal, list[str]]) -> None:
    db, ids = terminal
    where = RecordFilter(id_number="610202")
    pages = [queries.records(db, CLERK, where, page=p) for p in range(3)]
    assert [(len(p.records), p.total, p.pages) for p in pages] == [(200, ROWS, 3), (200, ROWS, 3), (50, ROWS, 3)]
    newest_first = list(range(ROWS - 1, -1, -1))
    assert numbers(pages[1], ids) == newest_first[200:400]  # page 2
    assert numbers(pages[2], ids) == newest_first[400:]  # page 3


def test_search_by_the_full_id_number_in_lower_case(terminal: tuple[Terminal, list[str]]) -> None:
    db, ids = terminal
    assert numbers(search(db, id_number=id_number(77).lower()), ids) == [77]


def test_an_id_part_shorter_than_the_minimum_is_refused(terminal: tuple[Terminal, list[str]]) -> None:
    db, _ids = terminal
    with pytest.raises(SearchTooBroad) as refused:
        search(db, id_number="123")
    assert "至少输入 4 位" in refused.value.user_message


def test_search_by_the_counter_receipt_number_or_a_part_of_it(terminal: tuple[Terminal, list[str]]) -> None:
    db, ids = terminal
    assert numbers(search(db, receipt_no="T-TEST-01-20261101-0042"), ids) == [42]
    assert sorted(numbers(search(db, receipt_no="1101-031"), ids)) == list(range(310, 320))


def test_search_by_the_central_receipt_number(terminal: tuple[Terminal, list[str]]) -> None:
    db, ids = terminal
    assert numbers(search(db, receipt_no="SB20261101000301"), ids) == [301]


def test_search_by_item(terminal: tuple[Terminal, list[str]]) -> None:
    db, ids = terminal
    found = search(db, item_code="retirement_approval")
    assert found.total == ROWS // 4 + 1 and sorted(numbers(found, ids)) == list(range(0, ROWS, 4))


def test_search_by_state(terminal: tuple[Terminal, list[str]]) -> None:
    db, ids = terminal
    found = search(db, states=frozenset({SubmissionState.RETURNED}))
    assert sorted(numbers(found, ids)) == [n for n in range(ROWS) if n % 5 == 3]
    assert all(r.state is SubmissionState.RETURNED for r in found.records)


def test_search_by_received_dates(terminal: tuple[Terminal, list[str]]) -> None:
    db, ids = terminal
    found = search(db, since=datetime(2026, 11, 2, tzinfo=UTC), until=datetime(2026, 11, 3, tzinfo=UTC))
    assert sorted(numbers(found, ids)) == list(range(24, 48))


def test_search_by_clerk(terminal: tuple[Terminal, list[str]]) -> None:
    db, ids = terminal
    assert sorted(numbers(search(db, clerk_id="1002"), ids)) == list(range(0, ROWS, 10))


def test_search_by_every_criterion_combined(terminal: tuple[Terminal, list[str]]) -> None:
    db, ids = terminal
    found = search(db, name="申请人", id_number="610202", receipt_no="20261101", item_code="retirement_approval",
                   states=frozenset({SubmissionState.QUEUED}), clerk_id="1002",
                   since=BASE + timedelta(hours=100), until=BASE + timedelta(hours=300))
    expected = [n for n in range(100, 300) if n % 20 == 0]  # clerk 1002, retirement, queued: n a multiple of 20
    assert sorted(numbers(found, ids)) == expected and found.total == len(expected)


def test_a_filtered_search_pages_past_200_rows(terminal: tuple[Terminal, list[str]]) -> None:
    db, ids = terminal
    where = RecordFilter(item_code="personal_registration")  # 337 rows
    matching = [n for n in range(ROWS - 1, -1, -1) if n % 4]
    first, second = (queries.records(db, CLERK, where, page=p) for p in range(2))
    assert (first.total, first.pages, len(first.records), len(second.records)) == (len(matching), 2, 200, 137)
    assert numbers(first, ids) + numbers(second, ids) == matching


def test_the_trail_of_a_search_by_part_of_an_id_number_holds_no_digit_of_it(
        terminal: tuple[Terminal, list[str]]) -> None:
    db, _ids = terminal
    part = id_number(123)[-6:]
    search(db, id_number=part)
    detail, person = last_search(db)
    assert person is None and detail["id_number"] == "part"
    text = json.dumps(detail, ensure_ascii=False)
    assert part not in text and part[-4:] not in text and "101123" not in text


def test_the_trail_of_a_search_by_full_id_number_holds_only_its_key(terminal: tuple[Terminal, list[str]]) -> None:
    db, _ids = terminal
    number = id_number(77)
    search(db, id_number=number, name="申请人")
    detail, person = last_search(db)
    assert person == db.audit.person_key(number) and detail["id_number"] == "full" and detail["name"] is True
    text = json.dumps(detail, ensure_ascii=False)
    assert number not in text and number[-4:] not in text and "申请人" not in text
