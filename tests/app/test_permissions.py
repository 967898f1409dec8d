"""Who may do what (issue 16): one table, every role against every use case that reads personal data or
changes anything, run through the use cases (never the widgets) on real terminals.

Each cell runs on a real terminal with its encrypted SQLite file; the acting clerk is created with one role
and signs in with their password, so the roles come from the database as in the window. What a cell
expects is derived from ``ROLE_PERMISSIONS`` and the permission each use case declares below (``USE_CASES``),
and a few critical cells are also written out by hand (``CRITICAL``), so a wrong table cannot make the
matrix pass by construction. Allowed: the use case works and its effect is there (a change made, or the
read on the audit trail). Refused: ``PermissionDenied`` with a Chinese message, and nothing changed or
recorded for the actor. The review on another terminal runs against a real central process over HTTP.
"""

from __future__ import annotations

import ast
import inspect
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from app import favourites, queries, reports, usecases
from app.lookups import LookupOutcome, LookupReason, PersonLookup
from app.permissions import ROLE_PERMISSIONS, ClerkInfo, Permission, PermissionDenied, allowed
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import Terminal, build_terminal
from app.usecases import batch_import, remote_review
from app.usecases import favourites as favourite_usecases
from app.usecases import home_visit as home_visit_usecases
from app.usecases import inform as inform_usecases
from app.usecases import lookup as lookup_usecases
from app.usecases import rate as rate_usecases
from app.usecases import reassign as reassign_usecases
from app.usecases import remind as remind_usecases
from app.usecases import retention as retention_usecases
from app.usecases import retirement_due as retirement_due_usecases
from app.usecases.person_query import reveal_id_number
from app.usecases.receipts import reprint_receipt
from central.process import CentralServerProcess
from central.store import add_terminal
from core.errors import AuthenticationError, StateError, ValidationError
from forms.definitions import load_form
from forms.receipt import Receipt
from forms.staff_import import STAFF
from local_db import outbox
from local_db.audit import AuditRecord
from local_db.clerks import Role, add_clerk, list_clerks
from local_db.models import SubmissionState
from local_db.review import REVIEW_REFUSED
from local_db.submissions import get_submission, list_submissions, pending_count
from sync.engine import Backoff
from tests.app import query_samples
from tests.app.samples import SIGNATURE
from tests.app.test_batch_import import UNIT, WAIVED, with_figures
from tests.app.test_batch_import import VALUES as BATCH_VALUES
from tests.forms.staff_lists import TODAY, filled, good
from tests.sync.test_reference_trust import edit_form, pull

from .conftest import CLERK, PASSWORD, TERMINAL_ID, make_central_key
from .samples import ID_NUMBER, REGISTRATION, RETIREMENT, WAIVER
from .test_records_window import central_records
from .test_retention import _closed_case
from .test_review_elsewhere import page, second_terminal

ACTOR_ID, ACTOR_PASSWORD = "2001", "actor-pass-1"
TARGET_ID, TARGET_PASSWORD = "3001", "target-pass-1"
ANY_REVIEWER = frozenset({Permission.APPROVE, Permission.FINAL_APPROVE})
#: an administrator as the window holds one, for reading what is pending around the cells
ADMIN = ClerkInfo("9001", "系统管理员", frozenset({Role.ADMIN}))


# -- the local use cases: one fresh terminal per cell ------------------------------------------------------


@dataclass
class World:
    """One cell's terminal and what its setup made (ids, receipts), and the value the use case returned."""

    terminal: Terminal
    tmp: Path
    ids: dict[str, str] = field(default_factory=dict)
    receipts: dict[str, Receipt] = field(default_factory=dict)
    result: object = None
    #: the 一次性告知书 a setup issued (for printing it)
    notice: object = None
    #: a staff list another clerk checked (人员新增 by batch import, issue 20)
    batch: object = None


def entries(world: World, action: str, **detail: object) -> list[AuditRecord]:
    """The actor's trail entries of ``action`` (with these detail values)."""
    return [e for e in world.terminal.audit.find(world.terminal.db) if e.clerk_id == ACTOR_ID and e.action == action
            and all(e.detail.get(k) == v for k, v in detail.items())]


def registration(world: World, *, scan: bool = False) -> None:
    """A registration case taken by another clerk (1001), its receipt kept; with a sealed scan if asked."""
    form = load_form("personal_registration")
    request = (usecases.SubmitRequest(CLERK, form, REGISTRATION, materials={"identity_document": [page()]},
        signature=SIGNATURE)
               if scan else usecases.SubmitRequest(CLERK, form, REGISTRATION, waivers={"identity_document": WAIVER},
                   signature=SIGNATURE))
    accepted = usecases.submit_application(world.terminal, request)
    world.ids["case"], world.receipts["case"] = accepted.view.id, accepted.receipt


def scanned(world: World) -> None:
    registration(world, scan=True)


def printed_once(world: World) -> None:
    registration(world)
    usecases.print_receipt(world.terminal, CLERK, world.receipts["case"], world.tmp / "first.pdf")


def awaiting(world: World) -> None:
    """A retirement case (复核 + 审批) taken by another clerk (1001), waiting for its 复核."""
    world.ids["case"] = usecases.submit_application(world.terminal, usecases.SubmitRequest(
        CLERK, load_form("retirement_approval"), RETIREMENT, waivers={"identity_document": WAIVER},
            signature=SIGNATURE)).view.id


def reviewed(world: World) -> None:
    """The same, its 复核 signed by another reviewer (2002): 审批 is due."""
    add_clerk(world.terminal.db, "2002", "复核柜员", "review-pass-2", roles=frozenset({Role.REVIEW}))
    awaiting(world)
    usecases.approve(world.terminal, "2002", "review-pass-2", world.ids["case"], step="review")


def refused_by_central(world: World) -> None:
    """A case the central system refused for a missing signature, as the sync engine stores the refusal."""
    registration(world)
    outbox.mark_failed(world.terminal.db, world.ids["case"],
                       error=f"{REVIEW_REFUSED}本业务审核级别为“复核”，缺少复核签字。")


def drafted_by_another(world: World) -> None:
    world.ids["draft"] = usecases.save_draft(world.terminal, CLERK, load_form("personal_registration"),
                                             REGISTRATION).id


def drafted_for_another(world: World) -> None:
    """A draft of another clerk (1001), and a 受理 clerk to give it to."""
    drafted_by_another(world)
    with_target(world)


def closed_long_ago(world: World) -> None:
    world.ids["case"] = _closed_case(world.terminal, 40, 1)


def pending_centrally(world: World) -> None:
    """A registration the central system accepted and has not answered (what 催办 is for)."""
    registration(world)
    outbox.apply_status(world.terminal.db, world.ids["case"], status="accepted", reason=None,
                        receipt_number="SB20261201000001", at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC))


def reminded(world: World) -> None:
    pending_centrally(world)
    remind_usecases.remind(world.terminal, CLERK, world.ids["case"], "申请人询问进度")


def rated(world: World) -> None:
    """A registration the applicant rated 满意 at the window of another clerk (1001)."""
    registration(world)
    rate_usecases.rate_case(world.terminal, CLERK, world.ids["case"], 4)


def informed(world: World) -> None:
    """A 一次性告知书 issued by another clerk (1001): the registration lacks its ID document."""
    world.notice = inform_usecases.inform_applicant(world.terminal, inform_usecases.InformRequest(
        CLERK, load_form("personal_registration"), "个人参保登记", REGISTRATION)).notice


def with_figures_here(world: World) -> None:
    """The year's average wage in the terminal's reference data (the base limits of a staff list)."""
    with_figures(world.terminal.settings.resolved_data_dir())


def staff_list_checked(world: World) -> None:
    """A staff list of one valid row, checked by another clerk (1001)."""
    with_figures_here(world)
    world.batch = batch_import.check_workbook(world.terminal, CLERK, filled([good()]), unit_number=UNIT, today=TODAY)


def with_target(world: World) -> None:
    """Another clerk (front desk) for the administrator's commands to act on."""
    add_clerk(world.terminal.db, TARGET_ID, "目标柜员", TARGET_PASSWORD, roles=frozenset({Role.FRONT_DESK}))


def state_of(world: World, key: str = "case") -> SubmissionState | None:
    view = get_submission(world.terminal.db, world.ids[key])
    return view.state if view is not None else None


def signed(world: World, step: str) -> bool:
    view = get_submission(world.terminal.db, world.ids["case"])
    return view is not None and any(g.step == step and g.clerk_id == ACTOR_ID for g in view.signatures)


def active(world: World, clerk_id: str) -> bool:
    return next(c.active for c in list_clerks(world.terminal.db) if c.id == clerk_id)


def roles_of(world: World, clerk_id: str) -> frozenset[Role]:
    return next(c.roles for c in list_clerks(world.terminal.db) if c.id == clerk_id)


def can_sign_in(world: World, clerk_id: str, password: str) -> bool:
    try:
        usecases.sign_in(world.terminal, clerk_id, password)
    except AuthenticationError:
        return False
    return True


def lock_and_unlock(terminal: Terminal, actor: ClerkInfo) -> ClerkInfo:
    usecases.lock_session(terminal, actor, "manual")
    return usecases.unlock_session(terminal, actor, ACTOR_PASSWORD)


@dataclass(frozen=True)
class UseCase:
    """A use case as the matrix runs it: the permission it declares (any of these; None: every signed-in
    clerk), what it needs first, the call as the actor, and whether it took effect."""

    permission: frozenset[Permission] | None
    run: Callable[[World, ClerkInfo], object]
    took_effect: Callable[[World], bool]
    setup: Callable[[World], None] | None = None
    #: the functions of app/usecases and app/queries this row covers (for the completeness check)
    covers: tuple[str, ...] = ()


def needs(*permissions: Permission) -> frozenset[Permission]:
    return frozenset(permissions)


USE_CASES: dict[str, UseCase] = {
    # 受理 (front desk)
    "submit": UseCase(needs(Permission.SUBMIT), lambda w, a: usecases.submit_application(
        w.terminal, usecases.SubmitRequest(a, load_form("personal_registration"), REGISTRATION,
                                           waivers={"identity_document": WAIVER}, signature=SIGNATURE)),
        lambda w: any(v.clerk_id == ACTOR_ID and v.state is not SubmissionState.DRAFT
                      for v in list_submissions(w.terminal.db)), covers=("submit_application",)),
    "save_draft": UseCase(needs(Permission.SAVE_DRAFT), lambda w, a: usecases.save_draft(
        w.terminal, a, load_form("personal_registration"), REGISTRATION),
        lambda w: any(v.clerk_id == ACTOR_ID and v.state is SubmissionState.DRAFT
                      for v in list_submissions(w.terminal.db)), covers=("save_draft",)),
    "delete_draft": UseCase(needs(Permission.SAVE_DRAFT), lambda w, a: usecases.delete_draft(
        w.terminal, a, w.ids["draft"]), lambda w: state_of(w, "draft") is None, drafted_by_another, ("delete_draft",)),
    # 复核 / 审批 on this terminal
    "approve_review": UseCase(needs(Permission.APPROVE), lambda w, a: usecases.approve(
        w.terminal, a.id, ACTOR_PASSWORD, w.ids["case"], step="review"), lambda w: signed(w, "review"), awaiting,
        ("approve",)),
    "approve_final": UseCase(needs(Permission.FINAL_APPROVE), lambda w, a: usecases.approve(
        w.terminal, a.id, ACTOR_PASSWORD, w.ids["case"], step="approval"), lambda w: signed(w, "approval"), reviewed),
    "send_for_review": UseCase(needs(Permission.APPROVE), lambda w, a: usecases.send_for_review(
        w.terminal, a, w.ids["case"]), lambda w: state_of(w) is SubmissionState.REVIEW_ELSEWHERE, awaiting,
        ("send_for_review",)),
    "reopen_review": UseCase(needs(Permission.APPROVE), lambda w, a: usecases.reopen_review(
        w.terminal, a, w.ids["case"]), lambda w: state_of(w) is SubmissionState.AWAITING_APPROVAL,
        refused_by_central, ("reopen_review",)),
    # 业务主管: giving a case to another 受理 clerk (改派), and the clerks it can go to
    "reassign": UseCase(needs(Permission.REASSIGN), lambda w, a: reassign_usecases.reassign_case(
        w.terminal, a, w.ids["draft"], TARGET_ID, "原经办柜员休假"),
        lambda w: bool((v := get_submission(w.terminal.db, w.ids["draft"])) and v.clerk_id == TARGET_ID
                       and entries(w, "reassign", to_clerk=TARGET_ID)), drafted_for_another, ("reassign_case",)),
    "reassign_targets": UseCase(needs(Permission.REASSIGN), lambda w, a: reassign_usecases.reassign_targets(
        w.terminal, a), lambda w: isinstance(w.result, list) and TARGET_ID in {c.id for c in w.result},
        setup=with_target, covers=("reassign_targets",)),
    # reading a case and printing its receipt: every business post
    "print_receipt": UseCase(needs(Permission.VIEW_CASE), lambda w, a: usecases.print_receipt(
        w.terminal, a, w.receipts["case"], w.tmp / "receipt.pdf"),
        lambda w: (w.tmp / "receipt.pdf").is_file() and bool(entries(w, "print_receipt")), registration,
        ("print_receipt",)),
    "reprint_receipt": UseCase(needs(Permission.VIEW_CASE), lambda w, a: usecases.print_receipt(
        w.terminal, a, w.receipts["case"], w.tmp / "receipt.pdf"),
        lambda w: (w.tmp / "receipt.pdf").is_file() and bool(entries(w, "print_receipt", copy=2)), printed_once),
    "reprint_saved_receipt": UseCase(needs(Permission.VIEW_CASE), lambda w, a: reprint_receipt(
        w.terminal, a, w.ids["case"], w.tmp / "receipt.pdf"),
        lambda w: (w.tmp / "receipt.pdf").is_file() and bool(entries(w, "print_receipt", copy=2)), printed_once,
        ("saved_receipt", "reprint_receipt")),
    # 催办 of a case pending at the central system: every business post
    "remind": UseCase(needs(Permission.VIEW_CASE), lambda w, a: remind_usecases.remind(
        w.terminal, a, w.ids["case"], "请尽快办理"), lambda w: bool(entries(w, "remind", note=True)),
        pending_centrally, ("remind",)),
    "case_reminders": UseCase(needs(Permission.VIEW_CASE), lambda w, a: remind_usecases.case_reminders(
        w.terminal, a, w.ids["case"]), lambda w: isinstance(w.result, list) and len(w.result) == 1, reminded,
        ("case_reminders",)),
    # 好差评 (issue 19): recorded by the 受理 clerk at whose window the applicant rates; read with the case
    "rate_case": UseCase(needs(Permission.SUBMIT), lambda w, a: rate_usecases.rate_case(
        w.terminal, a, w.ids["case"], 2, ["slow"]),
        lambda w: bool(entries(w, "rate", level=2, reasons=["slow"])), registration, ("rate_case",)),
    # 上门服务 (issue 19): the 受理 clerk who takes cases at the applicant's home switches the laptop's mode
    "switch_home_visit": UseCase(needs(Permission.SUBMIT), lambda w, a: home_visit_usecases.switch_home_visit(
        w.terminal, a, True, "城关镇幸福村"),
        lambda w: bool(entries(w, "settings_change", setting="home_visit_mode", on=True)),
        covers=("switch_home_visit",)),
    "case_rating": UseCase(needs(Permission.VIEW_CASE), lambda w, a: rate_usecases.case_rating(
        w.terminal, a, w.ids["case"]), lambda w: getattr(w.result, "level", None) == 4, rated, ("case_rating",)),
    "case_file": UseCase(needs(Permission.VIEW_CASE), lambda w, a: queries.case_file(w.terminal, a, w.ids["case"]),
                         lambda w: bool(entries(w, "view_case", whole_case=True)), scanned, ("case_file",)),
    "case_scan": UseCase(needs(Permission.VIEW_CASE), lambda w, a: queries.case_scan(
        w.terminal, a, w.ids["case"], "identity_document"),
        lambda w: bool(entries(w, "view_scan", material="identity_document")), scanned, ("case_scan",)),
    "full_id_number": UseCase(needs(Permission.SHOW_ID_NUMBER), lambda w, a: queries.full_id_number(
        w.terminal, a, w.ids["case"], "id_number"), lambda w: bool(entries(w, "show_id_number")), scanned,
        ("full_id_number",)),
    # the query screens (issue 20): a looked-up person's full number; a unit's staff at retirement age
    "reveal_looked_up_id": UseCase(needs(Permission.SHOW_ID_NUMBER), lambda w, a: reveal_id_number(
        w.terminal, a, PersonLookup(LookupOutcome.FOUND, query_samples.person(), lookup_id="L-1"),
        screen="personal_query"), lambda w: bool(entries(w, "show_id_number")), None, ("reveal_id_number",)),
    "retirement_due": UseCase(needs(Permission.LOOKUP), lambda w, a: retirement_due_usecases.find_retirement_due(
        w.terminal, a, unit_number="61020000123", months_ahead=6,
        reason=LookupReason("typed", "单位经办人持介绍信办理")), lambda w: bool(entries(w, "lookup")), None,
        ("find_retirement_due",)),
    "submission": UseCase(needs(Permission.VIEW_CASE), lambda w, a: queries.submission(w.terminal, a, w.ids["case"]),
                          lambda w: bool(entries(w, "view_case")), registration, ("submission",)),
    # 一次性告知书 (issue 18): issued and printed by 受理; the list of them read by every business post
    "inform_applicant": UseCase(needs(Permission.SUBMIT), lambda w, a: inform_usecases.inform_applicant(
        w.terminal, inform_usecases.InformRequest(a, load_form("personal_registration"), "个人参保登记",
                                                  REGISTRATION)),
        lambda w: bool(entries(w, "inform")), covers=("inform_applicant",)),
    "print_notice": UseCase(needs(Permission.SUBMIT), lambda w, a: inform_usecases.print_notice(
        w.terminal, a, w.notice, w.tmp / "notice.pdf"),  # type: ignore[arg-type]
        lambda w: (w.tmp / "notice.pdf").is_file() and bool(entries(w, "print_notice")), informed,
        ("print_notice",)),
    "informed_notices": UseCase(needs(Permission.VIEW_CASE), lambda w, a: queries.informed_notices(w.terminal, a),
                                lambda w: isinstance(w.result, list) and len(w.result) == 1, informed,
                                ("informed_notices",)),
    # 人员新增 by batch import (issue 20): the 受理 post hands out the template, checks, marks up and accepts
    "batch_template": UseCase(needs(Permission.SUBMIT), lambda w, a: batch_import.staff_template(
        w.terminal, a, STAFF, today=TODAY), lambda w: isinstance(w.result, bytes), with_figures_here,
        ("staff_template",)),
    "batch_check": UseCase(needs(Permission.SUBMIT), lambda w, a: batch_import.check_workbook(
        w.terminal, a, filled([good()]), unit_number=UNIT, today=TODAY),
        lambda w: bool(entries(w, "batch_import", step="check", valid=1)), with_figures_here, ("check_workbook",)),
    "batch_marked_up": UseCase(needs(Permission.SUBMIT), lambda w, a: batch_import.marked_up_workbook(
        w.terminal, a, w.batch),  # type: ignore[arg-type]
        lambda w: bool(entries(w, "export", what="batch_import_errors")), staff_list_checked,
        ("marked_up_workbook",)),
    "batch_submit": UseCase(needs(Permission.SUBMIT), lambda w, a: batch_import.submit_batch(
        w.terminal, batch_import.BatchRequest(a, w.batch, BATCH_VALUES, waivers=WAIVED), today=TODAY),  # type: ignore[arg-type]
        lambda w: any(v.clerk_id == ACTOR_ID and v.item_code == batch_import.BATCH_ITEM
                      for v in list_submissions(w.terminal.db)), staff_list_checked, ("submit_batch",)),
    # 我的收藏 and recently used items: the 受理 clerk's own
    "set_favourite": UseCase(needs(Permission.SUBMIT), lambda w, a: favourite_usecases.set_favourite(
        w.terminal, a, "personal_registration", True),
        lambda w: getattr(w.result, "favourites", ()) == ("personal_registration",), covers=("set_favourite",)),
    "record_item_use": UseCase(needs(Permission.SUBMIT), lambda w, a: favourite_usecases.record_item_use(
        w.terminal, a, "retirement_approval"),
        lambda w: getattr(w.result, "recent", ()) == ("retirement_approval",), covers=("record_item_use",)),
    "my_items": UseCase(needs(Permission.SUBMIT), lambda w, a: favourites.my_items(w.terminal, a),
                        lambda w: getattr(w.result, "favourites", None) == (), covers=("my_items",)),
    # 业务主管: statistics (issue 18) and their export
    "statistics": UseCase(needs(Permission.VIEW_STATISTICS), lambda w, a: reports.statistics(
        w.terminal, a, reports.Period.MONTH, reports.Grouping.ITEM, date(2026, 11, 1), date(2026, 11, 30),
        today=date(2026, 12, 1)), lambda w: bool(entries(w, "view_statistics", period="month", by="item")),
        covers=("statistics",)),
    "export_statistics": UseCase(needs(Permission.VIEW_STATISTICS), lambda w, a: reports.record_export(
        w.terminal, a, reports.Report(reports.Period.DAY, reports.Grouping.CLERK, date(2026, 11, 1),
                                      date(2026, 11, 1), date(2026, 12, 1), "", ()), "csv"),
        lambda w: bool(entries(w, "export", report="statistics", format="csv")), covers=("record_export",)),
    "records_list": UseCase(needs(Permission.VIEW_CASE), lambda w, a: queries.records(w.terminal, a),
                            lambda w: bool(entries(w, "view_records", total=1)), registration, ("records",)),
    "workbench": UseCase(needs(Permission.VIEW_CASE), lambda w, a: queries.workbench(w.terminal, a, date(2026, 9, 30)),
                         lambda w: bool(entries(w, "view_records", list="workbench")), registration, ("workbench",)),
    "records_search": UseCase(needs(Permission.VIEW_CASE), lambda w, a: queries.records(
        w.terminal, a, queries.RecordFilter(text=ID_NUMBER)), lambda w: bool(entries(w, "view_records",
                                                                                      search="id_number", total=1)),
        registration),
    # the trail: the auditor
    "read_trail": UseCase(needs(Permission.READ_AUDIT), lambda w, a: usecases.read_trail(w.terminal, a),
                          lambda w: bool(entries(w, "read_audit", read="list")), registration, ("read_trail",)),
    "verify_trail": UseCase(needs(Permission.READ_AUDIT), lambda w, a: usecases.verify_trail(
        w.terminal, a, against_central=False), lambda w: bool(entries(w, "read_audit", read="verify", intact=True)),
        registration, ("verify_trail",)),
    # clerks and the terminal: the administrator
    "create_clerk": UseCase(needs(Permission.MANAGE_CLERKS), lambda w, a: usecases.create_clerk(
        w.terminal, a, "4001", "新柜员", "new-clerk-pass", frozenset({Role.FRONT_DESK})),
        lambda w: "4001" in {c.id for c in list_clerks(w.terminal.db)}, covers=("create_clerk",)),
    "disable_clerk": UseCase(needs(Permission.MANAGE_CLERKS), lambda w, a: usecases.disable_clerk(
        w.terminal, a, TARGET_ID), lambda w: not active(w, TARGET_ID),
        setup=with_target, covers=("disable_clerk",)),
    "reset_password": UseCase(needs(Permission.MANAGE_CLERKS), lambda w, a: usecases.reset_password(
        w.terminal, a, TARGET_ID, "changed-pass-2"), lambda w: can_sign_in(w, TARGET_ID, "changed-pass-2"),
        setup=with_target, covers=("reset_password",)),
    "set_clerk_roles": UseCase(needs(Permission.MANAGE_CLERKS), lambda w, a: usecases.set_clerk_roles(
        w.terminal, a, TARGET_ID, frozenset({Role.REVIEW})), lambda w: roles_of(w, TARGET_ID) == {Role.REVIEW},
        setup=with_target, covers=("set_clerk_roles",)),
    "list_clerks": UseCase(needs(Permission.MANAGE_CLERKS), lambda w, a: usecases.list_clerks(w.terminal, a),
                           lambda w: isinstance(w.result, list) and TARGET_ID in {c.id for c in w.result},
                           setup=with_target, covers=("list_clerks",)),
    "purge": UseCase(needs(Permission.MANAGE_TERMINAL), lambda w, a: retention_usecases.purge(w.terminal, a),
                     lambda w: bool((v := get_submission(w.terminal.db, w.ids["case"])) and v.purged),
                     closed_long_ago, ("purge",)),
    "pending_reference": UseCase(needs(Permission.MANAGE_TERMINAL), lambda w, a: usecases.pending_reference(
        w.terminal, a), lambda w: w.result == [], covers=("pending_reference",)),
    "reference_alerts": UseCase(needs(Permission.MANAGE_TERMINAL), lambda w, a: usecases.reference_alerts(
        w.terminal, a), lambda w: isinstance(w.result, usecases.ReferenceAlerts), covers=("reference_alerts",)),
    "change_trust_setting": UseCase(needs(Permission.MANAGE_TERMINAL), lambda w, a: usecases.change_trust_setting(
        w.terminal, a, w.tmp / "settings.toml", "central_url", "http://127.0.0.1:8"),
        lambda w: (w.tmp / "settings.toml").is_file() and bool(entries(w, "settings_change")),
        covers=("change_trust_setting",)),
    # every signed-in clerk: counts without names, and the session itself
    "counts": UseCase(None, lambda w, a: queries.counts_by_state(w.terminal),
                      lambda w: w.result == {SubmissionState.QUEUED: 1}, registration, ("counts_by_state",)),
    "sync_status": UseCase(None, lambda w, a: queries.sync_status(w.terminal),
                           lambda w: isinstance(w.result, queries.SyncStatus) and w.result.pending == 1, registration,
                           ("sync_status",)),
    "lock_unlock": UseCase(None, lambda w, a: lock_and_unlock(w.terminal, a),
                           lambda w: bool(entries(w, "lock")) and bool(entries(w, "unlock")),
                           covers=("lock_session", "unlock_session")),
    "sign_out": UseCase(None, lambda w, a: usecases.sign_out(w.terminal, a),
                        lambda w: bool(entries(w, "sign_out")), covers=("sign_out",)),
    "switch_clerk": UseCase(None, lambda w, a: usecases.switch_clerk(w.terminal, a, CLERK, None),
                            lambda w: bool(entries(w, "switch_clerk")), covers=("switch_clerk",)),
    # lookups at the central system (issue 20): every business post; the cell's terminal has no central
    # system listening, so the lookup is answered "offline" and recorded as such
    "look_up_person": UseCase(needs(Permission.LOOKUP), lambda w, a: lookup_usecases.look_up_person(
        w.terminal, a, ID_NUMBER, LookupReason("card_read")),
        lambda w: bool(entries(w, "lookup", subject="person", outcome="offline")), covers=("look_up_person",)),
    "look_up_employer": UseCase(needs(Permission.LOOKUP), lambda w, a: lookup_usecases.look_up_employer(
        w.terminal, a, unit_number="6100000001", reason=LookupReason("typed", "单位经办人来办理变更")),
        lambda w: bool(entries(w, "lookup", subject="employer")), covers=("look_up_employer",)),
    "check_registered": UseCase(needs(Permission.LOOKUP), lambda w, a: lookup_usecases.check_registered(
        w.terminal, a, "6100000001", [ID_NUMBER], LookupReason("typed", "单位批量导入人员新增")),
        lambda w: bool(entries(w, "lookup", subject="registered_check")), covers=("check_registered",)),
}

#: critical cells written out by hand, not derived: the matrix must agree with them
CRITICAL: dict[tuple[Role, str], bool] = {
    (Role.ADMIN, "submit"): False, (Role.ADMIN, "case_file"): False, (Role.ADMIN, "submission"): False,
    (Role.ADMIN, "records_list"): False, (Role.ADMIN, "full_id_number"): False, (Role.ADMIN, "print_receipt"): False,
    (Role.ADMIN, "read_trail"): False, (Role.ADMIN, "create_clerk"): True, (Role.ADMIN, "purge"): True,
    (Role.AUDITOR, "approve_review"): False, (Role.AUDITOR, "approve_final"): False,
    (Role.AUDITOR, "records_list"): False, (Role.AUDITOR, "case_file"): False, (Role.AUDITOR, "read_trail"): True,
    (Role.AUDITOR, "create_clerk"): False, (Role.SUPERVISOR, "statistics"): True,
    (Role.FRONT_DESK, "statistics"): False, (Role.ADMIN, "statistics"): False, (Role.AUDITOR, "statistics"): False,
    (Role.FRONT_DESK, "approve_final"): False, (Role.FRONT_DESK, "approve_review"): False,
    (Role.FRONT_DESK, "submit"): True, (Role.FRONT_DESK, "records_list"): True, (Role.FRONT_DESK, "read_trail"): False,
    (Role.REVIEW, "approve_review"): True, (Role.REVIEW, "approve_final"): False, (Role.REVIEW, "submit"): False,
    (Role.APPROVAL, "approve_final"): True, (Role.APPROVAL, "approve_review"): False,
    (Role.SUPERVISOR, "records_list"): True, (Role.SUPERVISOR, "case_file"): True, (Role.SUPERVISOR, "submit"): False,
    (Role.SUPERVISOR, "approve_review"): False, (Role.SUPERVISOR, "create_clerk"): False,
    (Role.SUPERVISOR, "reassign"): True, (Role.FRONT_DESK, "reassign"): False, (Role.REVIEW, "reassign"): False,
    (Role.APPROVAL, "reassign"): False, (Role.AUDITOR, "reassign"): False, (Role.ADMIN, "reassign"): False,
    (Role.ADMIN, "look_up_person"): False, (Role.AUDITOR, "look_up_person"): False,
    (Role.FRONT_DESK, "look_up_person"): True, (Role.ADMIN, "check_registered"): False,
}


def may(role: Role, permission: frozenset[Permission] | None, also: frozenset[Permission] = frozenset()) -> bool:
    """The expected outcome, derived from the role table and what the use case declares: any of
    ``permission`` (None: every signed-in clerk) and all of ``also``."""
    held = ROLE_PERMISSIONS[role]
    return (permission is None or bool(permission & held)) and also <= held


def refused_cleanly(call: Callable[[], object]) -> None:
    with pytest.raises(PermissionDenied) as refused:
        call()
    assert refused.value.user_message.startswith(f"柜员 {ACTOR_ID} 无权") and refused.value.hint


LOCAL = [(role, name) for role in Role for name in USE_CASES]


@pytest.mark.parametrize(("role", "name"), LOCAL, ids=[f"{r.value}-{n}" for r, n in LOCAL])
def test_permission_matrix(qapp: Any, make_terminal: Any, tmp_path: Path, role: Role, name: str) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    add_clerk(terminal.db, ACTOR_ID, "当事柜员", ACTOR_PASSWORD, roles=frozenset({role}))
    world = World(terminal, tmp_path)
    case = USE_CASES[name]
    if case.setup is not None:
        case.setup(world)
    actor = usecases.sign_in(terminal, ACTOR_ID, ACTOR_PASSWORD)
    assert actor.roles == {role}
    expected = may(role, case.permission)
    assert CRITICAL.get((role, name), expected) is expected
    if expected:
        world.result = case.run(world, actor)
        assert case.took_effect(world)
    else:
        refused_cleanly(lambda: case.run(world, actor))
        assert not case.took_effect(world)


# -- review on another terminal: one central process and two terminals for the module ------------------------

REMOTE_STEPS = ("sign_review", "sign_approval", "return")


@dataclass
class Office:
    """The central process, the terminal whose only clerk (1001) sent its cases for review, and the second
    terminal where one actor per role works; ``cases``: (use case, role) → its own case, ``read``: a case
    to list and open, ``opened``: that case as a reviewer (2001) opened it."""

    central_db: Path
    first: Terminal
    second: Terminal
    read: str
    opened: remote_review.RemoteCase
    cases: dict[tuple[str, Role], str]
    result: object = None


def actor_id(role: Role) -> str:
    return f"5{list(Role).index(role)}01"


def _send_all(terminal: Terminal) -> None:
    assert terminal.sender is not None
    deadline = time.monotonic() + 60
    while pending_count(terminal.db):
        terminal.sender.sync_once(now=True)
        assert time.monotonic() < deadline, "not sent"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    root = tmp_path_factory.mktemp("office")
    central_db = root / "central.sqlite3"
    key = make_central_key(root / "central-keyring")
    server = CentralServerProcess.start(central_db, port=0, stderr_path=root / "central.log",
                                        extra_args=key.serve_args())
    secrets = SecretStore(file_keyring(root / "keyring"))
    secrets.set_terminal_token(add_terminal(central_db, TERMINAL_ID))
    first = build_terminal(Settings(central_url=server.base_url, terminal_id=TERMINAL_ID,
                                    central_signing_key=key.public_key, office_name="测试大厅", data_dir=root / "first",
                                    devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")),
                           secrets, backoff=Backoff(base=0.05, cap=0.5), start_sender=False)
    second = second_terminal(root, central_db, server.base_url)
    try:
        add_clerk(first.db, CLERK.id, CLERK.name, PASSWORD, roles=CLERK.roles)
        for role in Role:
            add_clerk(second.db, actor_id(role), "当事柜员", ACTOR_PASSWORD, roles=frozenset({role}))
        form = load_form("retirement_approval")
        waivers = {m.key: WAIVER for m in usecases.missing_materials(form, RETIREMENT, {}, {})
                   if m.key != "identity_document"}

        def sent_case() -> str:
            sid = usecases.submit_application(first, usecases.SubmitRequest(
                CLERK, form, RETIREMENT, materials={"identity_document": [page()]}, waivers=waivers,
                    signature=SIGNATURE)).view.id
            usecases.send_for_review(first, CLERK, sid)
            return sid

        read = sent_case()
        cases = {(step, role): sent_case() for step in REMOTE_STEPS for role in Role}
        _send_all(first)
        for role in Role:  # 复核 signed by the second terminal's reviewer: 审批 is due
            remote_review.sign_remote_review(second, "2001", "review-pass", cases["sign_approval", role], "review")
        opened = remote_review.open_remote_review(second, usecases.sign_in(second, "2001", "review-pass"), read)
        yield Office(central_db, first, second, read, opened, cases)
    finally:
        second.close()
        first.close()
        server.stop()


def remote_entries(office: Office, role: Role, action: str) -> list[AuditRecord]:
    return [e for e in office.second.audit.find(office.second.db)
            if e.clerk_id == actor_id(role) and e.action == action]


def central_case(office: Office, sid: str) -> dict[str, Any]:
    return next(r for r in central_records(office.central_db) if r["id"] == sid)


def central_signers(office: Office, sid: str, step: str) -> list[str]:
    return [g["clerk_id"] for g in central_case(office, sid)["review"]["signatures"] if g["step"] == step]


@dataclass(frozen=True)
class RemoteUseCase:
    """As ``UseCase``; ``also``: permissions needed besides one of ``permission``."""

    permission: frozenset[Permission]
    run: Callable[[Office, ClerkInfo, Role], object]
    took_effect: Callable[[Office, Role], bool]
    covers: tuple[str, ...] = ()
    also: frozenset[Permission] = frozenset()


def _certificate_request() -> Any:
    from app.cards import IdentityReading
    from app.usecases.certificate import CertificateRequest
    from tests.central.registry_rows import HOLDER

    return CertificateRequest("insurance", HOLDER, holder=IdentityReading(source="社保卡", name="王建国",
                                                                          id_number=HOLDER))


def issue_certificate_as(office: Office, actor: ClerkInfo) -> Any:
    """参保证明 (issue 20) for the holder present, at the office's central system (its registry seeded here)."""
    from app.usecases.certificate import issue_certificate
    from tests.central.registry_rows import add_registry

    add_registry(office.central_db)
    return issue_certificate(office.second, actor, _certificate_request())


def deliver_certificate_as(office: Office, actor: ClerkInfo, role: Role) -> None:
    from app.usecases.certificate import deliver_certificate

    front_desk = ClerkInfo(actor_id(Role.FRONT_DESK), "当事柜员", frozenset({Role.FRONT_DESK}))
    issued = issue_certificate_as(office, front_desk)
    deliver_certificate(office.second, actor, issued, office.central_db.parent / f"certificate-{role.value}.pdf")


REMOTE: dict[str, RemoteUseCase] = {
    # 参保证明 / 缴费证明 (issue 20): issued at the central system for the person present, by 受理
    "issue_certificate": RemoteUseCase(needs(Permission.ISSUE_CERTIFICATE),
                                       lambda o, a, r: issue_certificate_as(o, a),
                                       lambda o, r: bool(remote_entries(o, r, "issue_certificate")),
                                       ("issue_certificate",)),
    "deliver_certificate": RemoteUseCase(needs(Permission.ISSUE_CERTIFICATE),
                                         lambda o, a, r: deliver_certificate_as(o, a, r),
                                         lambda o, r: (o.central_db.parent / f"certificate-{r.value}.pdf").is_file()
                                         and bool(remote_entries(o, r, "issue_certificate")),
                                         ("deliver_certificate",)),
    "remote_list": RemoteUseCase(ANY_REVIEWER, lambda o, a, r: remote_review.list_remote_reviews(o.second, a),
                                 lambda o, r: isinstance(o.result, list)
                                 and o.read in {c.submission_id for c in o.result}, ("list_remote_reviews",)),
    "remote_open": RemoteUseCase(ANY_REVIEWER, lambda o, a, r: remote_review.open_remote_review(o.second, a, o.read),
                                 lambda o, r: bool(remote_entries(o, r, "view_case")), ("open_remote_review",)),
    "remote_material": RemoteUseCase(ANY_REVIEWER, lambda o, a, r: remote_review.remote_material(
        o.second, a, o.opened, o.opened.materials[0].sha256), lambda o, r: bool(remote_entries(o, r, "view_scan")),
        ("remote_material",)),
    # the same through the case view's source (``RemoteCases``: what the reviewer's dialog reads)
    "remote_case_view": RemoteUseCase(ANY_REVIEWER, lambda o, a, r: remote_review.RemoteCases().case_file(
        o.second, a, o.read), lambda o, r: bool(remote_entries(o, r, "view_case")), ("RemoteCases.case_file",)),
    "remote_case_scan": RemoteUseCase(ANY_REVIEWER, lambda o, a, r: remote_review.RemoteCases().case_scan(
        o.second, a, o.read, "identity_document"), lambda o, r: bool(remote_entries(o, r, "view_scan")),
        ("RemoteCases.case_scan",)),
    "remote_full_id_number": RemoteUseCase(ANY_REVIEWER, lambda o, a, r: remote_review.RemoteCases().full_id_number(
        o.second, a, o.read, "id_number"), lambda o, r: bool(remote_entries(o, r, "show_id_number")),
        ("RemoteCases.full_id_number",), also=needs(Permission.SHOW_ID_NUMBER)),
    "remote_sign_review": RemoteUseCase(needs(Permission.APPROVE), lambda o, a, r: remote_review.sign_remote_review(
        o.second, a.id, ACTOR_PASSWORD, o.cases["sign_review", r], "review"),
        lambda o, r: central_signers(o, o.cases["sign_review", r], "review") == [actor_id(r)],
        ("sign_remote_review",)),
    "remote_sign_approval": RemoteUseCase(needs(Permission.FINAL_APPROVE), lambda o, a, r: (
        remote_review.sign_remote_review(o.second, a.id, ACTOR_PASSWORD, o.cases["sign_approval", r], "approval")),
        lambda o, r: central_signers(o, o.cases["sign_approval", r], "approval") == [actor_id(r)]),
    "remote_return": RemoteUseCase(ANY_REVIEWER, lambda o, a, r: remote_review.return_remote_review(
        o.second, a.id, ACTOR_PASSWORD, o.cases["return", r], "材料不全，请补充"),
        lambda o, r: central_case(o, o.cases["return", r])["status"] == "returned", ("return_remote_review",)),
}

CRITICAL_REMOTE: dict[tuple[Role, str], bool] = {
    (Role.ADMIN, "remote_open"): False, (Role.AUDITOR, "remote_sign_review"): False,
    (Role.FRONT_DESK, "remote_sign_approval"): False, (Role.FRONT_DESK, "remote_list"): False,
    (Role.REVIEW, "remote_sign_review"): True, (Role.REVIEW, "remote_sign_approval"): False,
    (Role.APPROVAL, "remote_sign_approval"): True, (Role.APPROVAL, "remote_return"): True,
    (Role.SUPERVISOR, "remote_material"): False, (Role.SUPERVISOR, "remote_full_id_number"): False,
    (Role.AUDITOR, "remote_case_view"): False, (Role.REVIEW, "remote_full_id_number"): True,
    (Role.FRONT_DESK, "issue_certificate"): True, (Role.REVIEW, "issue_certificate"): False,
    (Role.ADMIN, "issue_certificate"): False, (Role.AUDITOR, "deliver_certificate"): False,
}

REMOTE_CELLS = [(role, name) for role in Role for name in REMOTE]


@pytest.mark.parametrize(("role", "name"), REMOTE_CELLS, ids=[f"{r.value}-{n}" for r, n in REMOTE_CELLS])
def test_remote_review_matrix(qapp: Any, office: Office, role: Role, name: str) -> None:
    actor = usecases.sign_in(office.second, actor_id(role), ACTOR_PASSWORD)
    assert actor.roles == {role}
    case = REMOTE[name]
    expected = may(role, case.permission, case.also)
    assert CRITICAL_REMOTE.get((role, name), expected) is expected
    office.result = None
    before = max((e.seq for e in office.second.audit.find(office.second.db)), default=0)
    if expected:
        office.result = case.run(office, actor, role)
        assert case.took_effect(office, role)
    else:
        with pytest.raises(PermissionDenied) as refused:
            case.run(office, actor, role)
        assert refused.value.user_message.startswith(f"柜员 {actor.id} 无权")
        assert not case.took_effect(office, role)
        assert not [e for action in ("view_case", "view_scan", "show_id_number")
                    for e in remote_entries(office, role, action) if e.seq > before]  # nothing read for them


def test_confirming_a_held_back_reference_update_is_the_administrators(
        start_central: Any, make_terminal: Any, tmp_path: Path) -> None:
    """``confirm_reference`` for every role, against a real central process that signs a weakening (as in
    tests/sync/test_reference_trust.py): the administrator's confirmation puts it in force, nobody else's."""
    directory = tmp_path / "reference-src"
    shipped = Path(str(files("resources")))
    shutil.copytree(shipped / "forms", directory / "forms")
    shutil.copy(shipped / "rules" / "holidays_cn.json", directory / "holidays.json")
    server = start_central(extra_args=("--reference-dir", str(directory)))
    terminal: Terminal = make_terminal(server.base_url, start_sender=False)
    assert sorted(pull(terminal)) == ["forms", "holidays"]

    def weaken(form: dict[str, Any]) -> None:
        form["version"] += 1
        form["review"] = {"tier": "none"}

    edit_form(directory, "retirement_approval", weaken)
    assert pull(terminal) == ["forms"]
    for index, role in enumerate(sorted(Role, key=lambda r: r is Role.ADMIN)):  # the administrator last
        clerk_id = f"6{index}01"
        add_clerk(terminal.db, clerk_id, "当事柜员", ACTOR_PASSWORD, roles=frozenset({role}))
        actor = usecases.sign_in(terminal, clerk_id, ACTOR_PASSWORD)
        assert may(role, needs(Permission.MANAGE_TERMINAL)) is (role is Role.ADMIN)
        if role is Role.ADMIN:
            assert usecases.confirm_reference(terminal, actor, "retirement_approval").key == "retirement_approval"
        else:
            with pytest.raises(PermissionDenied):
                usecases.confirm_reference(terminal, actor, "retirement_approval")
        pending = [p.key for p in usecases.pending_reference(terminal, ADMIN)]
        assert pending == ([] if role is Role.ADMIN else ["retirement_approval"])


# -- the table itself -----------------------------------------------------------------------------------------


def _guarded_functions() -> set[str]:
    """Public functions of app/usecases and app/queries that check a post (``require``, ``_reviewer``,
    ``allowed``), found by reading their source: each must be a row of the matrix."""
    import importlib
    import pkgutil

    import app.favourites
    import app.queries
    import app.reports
    import app.usecases
    import app.workbench

    # every module of app/usecases, so a new one cannot be left out of the scan
    modules = [app.queries, app.workbench, app.reports, app.favourites]
    modules += [importlib.import_module(f"app.usecases.{m.name}") for m in pkgutil.iter_modules(app.usecases.__path__)]
    found: set[str] = set()
    for module in modules:
        tree = ast.parse(inspect.getsource(module))
        functions = [(node.name, node) for node in tree.body if isinstance(node, ast.FunctionDef)]
        functions += [(f"{cls.name}.{node.name}", node) for cls in tree.body if isinstance(cls, ast.ClassDef)
                      for node in cls.body if isinstance(node, ast.FunctionDef)]
        for name, node in functions:
            calls = {c.func.id for c in ast.walk(node) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)}
            if not name.split(".")[-1].startswith("_") and calls & {"require", "_reviewer", "allowed"}:
                found.add(name)
    return found


def test_every_guarded_use_case_is_in_the_matrix() -> None:
    covered = {f for case in USE_CASES.values() for f in case.covers} | {f for case in REMOTE.values()
                                                                         for f in case.covers}
    covered |= {"confirm_reference"}  # its own test above (a central process that signs a weakening)
    assert _guarded_functions() <= covered, sorted(_guarded_functions() - covered)
    # what reads names or numbers is guarded: every query taking the clerk checks the post
    for name in ("records", "submission", "case_file", "case_scan", "full_id_number", "workbench"):
        assert name in _guarded_functions(), name


def test_the_table_is_what_the_matrix_expects() -> None:
    """The data the checks use agrees with the hand-written cells (and the admin does no business)."""
    business = {Permission.SUBMIT, Permission.SAVE_DRAFT, Permission.APPROVE, Permission.FINAL_APPROVE,
                Permission.VIEW_CASE, Permission.SHOW_ID_NUMBER, Permission.LOOKUP, Permission.ISSUE_CERTIFICATE}
    assert not ROLE_PERMISSIONS[Role.ADMIN] & business  # Art. 26: no personal data for the administrator
    assert ROLE_PERMISSIONS[Role.AUDITOR] == {Permission.READ_AUDIT}  # the trail, not the records
    assert all(Permission.MANAGE_CLERKS not in ROLE_PERMISSIONS[r] for r in Role if r is not Role.ADMIN)
    for (role, name), expected in CRITICAL.items():
        assert may(role, USE_CASES[name].permission) is expected, (role, name)
    for (role, name), expected in CRITICAL_REMOTE.items():
        assert may(role, REMOTE[name].permission, REMOTE[name].also) is expected, (role, name)
    several = ClerkInfo("9", "兼岗", frozenset({Role.FRONT_DESK, Role.REVIEW}))
    assert allowed(several, Permission.SUBMIT) and allowed(several, Permission.APPROVE)
    assert not allowed(several, Permission.MANAGE_CLERKS)


def test_the_clerk_who_took_a_case_sends_it_for_review_only_while_holding_the_front_desk(
        qapp: Any, make_terminal: Any) -> None:
    """The submitter's exception (a one-clerk terminal is never stuck) is for the 受理 post, not for whoever
    once took the case: moved to the auditor's post, the same clerk may neither send nor reopen it."""
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    world = World(terminal, Path())
    awaiting(world)
    moved = ClerkInfo(CLERK.id, CLERK.name, frozenset({Role.AUDITOR}))
    still_front_desk = ClerkInfo(CLERK.id, CLERK.name, frozenset({Role.FRONT_DESK}))
    with pytest.raises(PermissionDenied):
        usecases.send_for_review(terminal, moved, world.ids["case"])
    assert state_of(world) is SubmissionState.AWAITING_APPROVAL
    sent = usecases.send_for_review(terminal, still_front_desk, world.ids["case"])
    assert sent.state is SubmissionState.REVIEW_ELSEWHERE


def test_the_administrator_holds_no_business_role(qapp: Any, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    with pytest.raises(ValidationError, match="系统管理员不能兼任业务岗位"):
        add_clerk(terminal.db, "5001", "管理员", "admin-pass-1", roles=frozenset({Role.ADMIN, Role.REVIEW}))
    admin = add_clerk(terminal.db, "5001", "管理员", "admin-pass-1", roles=frozenset({Role.ADMIN}))
    with pytest.raises(ValidationError, match="系统管理员不能兼任业务岗位"):
        usecases.create_clerk(terminal, admin, "5002", "兼岗", "mixed-pass-1", frozenset({Role.ADMIN, Role.FRONT_DESK}))
    assert {c.id for c in list_clerks(terminal.db)} == {CLERK.id, "5001"}


def test_a_reviewer_still_cannot_approve_their_own_case(qapp: Any, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    world = World(terminal, Path())
    awaiting(world)
    with pytest.raises(StateError, match="own submission"):
        usecases.approve(terminal, CLERK.id, PASSWORD, world.ids["case"])
    assert state_of(world) is SubmissionState.AWAITING_APPROVAL


def test_sign_in_locks_after_the_configured_failures(qapp: Any, make_terminal: Any) -> None:
    """The lockout's threshold and length are settings; the message says until when."""
    import dataclasses
    from datetime import UTC, datetime, timedelta

    from local_db.clerks import AccountLocked

    built = make_terminal("http://127.0.0.1:9", start_sender=False)
    terminal = dataclasses.replace(built, settings=built.settings.model_copy(
        update={"signin_max_failures": 2, "signin_lockout_minutes": 30}))
    t0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    with pytest.raises(AuthenticationError) as first:
        usecases.sign_in(terminal, CLERK.id, "wrong-pass", now=t0)
    assert not isinstance(first.value, AccountLocked)
    with pytest.raises(AccountLocked) as locked:
        usecases.sign_in(terminal, CLERK.id, "wrong-pass", now=t0)
    assert locked.value.until == t0 + timedelta(minutes=30)
    with pytest.raises(AccountLocked):  # a signature on an approval is a sign-in too
        usecases.approve(terminal, CLERK.id, PASSWORD, "any", now=t0 + timedelta(minutes=29))
    assert usecases.sign_in(terminal, CLERK.id, PASSWORD, now=t0 + timedelta(minutes=30)).id == CLERK.id
