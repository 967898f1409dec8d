"""Reference data (forms, holidays, yearly figures) pulled from the central system into a local cache.

Nothing the central system sends is taken on its word (issue 16): a data set takes effect only when

1. it carries a version and an Ed25519 signature over its name, version and canonical JSON
   (``protocol.signing``) that verifies under the key this terminal was enrolled with
   (``ReferenceTarget.signing_key``, from the administrator's settings, never from the central system);
2. its version is higher than the last one accepted for that set, or equal with the very same content
   (a replayed older set, or a set changed under the same version, is refused);
3. it validates (forms through the form schema, holidays and figures through their loaders);
4. the target's ``judge`` lets it: for forms, a definition changed at the same version is refused, and one
   that lowers a review tier or drops or loosens a required material is held back as *pending* while the
   old one stays in force, until an administrator confirms it (``confirm_pending``).

A refused set changes nothing, is recorded in the audit trail and reported as ``ReferenceRefused``; what
is accepted is recorded too. ETags make an unchanged set cost one small request; a refused one is not
fetched again until the central system offers another.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature

from core.errors import ConfigError, CounterError, StateError
from core.files import REFERENCE_LIMIT, read_text_bounded
from local_db import syncstate
from local_db.audit import AuditAction, AuditEvent, AuditTrail
from local_db.database import Database
from local_db.submissions import pending_count
from protocol.canonical import canonical_sha256
from protocol.signing import reference_message
from sync.client import CentralClient, ReferenceData
from sync.events import ReferenceAwaiting, ReferenceRefused, ReferenceUpdated, SyncEvent
from sync.signature import verify_signature

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Judgement:
    """What a verified data set does to the one in force: ``in_force`` replaces it now; the entries in
    ``pending`` (key → what each would give up, in Chinese) wait for an administrator; ``refused`` (a
    Chinese reason) refuses the whole set."""

    in_force: dict[str, Any]
    pending: Mapping[str, list[str]] = field(default_factory=dict)
    refused: str | None = None


#: (name, the document in force or None, the new document) → what the new one may change
Judge = Callable[[str, dict[str, Any] | None, dict[str, Any]], Judgement]


def _take_all(_name: str, _current: dict[str, Any] | None, new: dict[str, Any]) -> Judgement:
    return Judgement(new)


@dataclass
class ReferenceTarget:
    """Which reference data sets this terminal keeps, where (a directory outside the package), and how
    far it trusts them."""

    directory: Path
    names: tuple[str, ...]
    #: checks a data set before it replaces the cached one; raises on bad data
    validate: Callable[[str, dict[str, Any]], None] = field(default=lambda _n, _d: None)
    #: the central system's Ed25519 public key (32 bytes) this terminal was enrolled with; None: refuse all
    signing_key: bytes | None = None
    #: what a verified set may change of the one in force (default: everything)
    judge: Judge = _take_all
    #: where acceptances and refusals are recorded (the terminal's trail; None only in narrow tests)
    audit: AuditTrail | None = None
    #: what the terminal derives from the sets just put in force (e.g. due dates from holidays), run on the
    #: puller's thread before ``ReferenceUpdated`` is emitted, so listeners see the derived data already
    after_update: Callable[[tuple[str, ...]], None] | None = None
    #: the time a completed check is recorded with (``syncstate.REFERENCE_CHECKED``; tests turn it forward)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def cached(self, name: str) -> dict[str, Any] | None:
        """The data set in force from the central system, or None when none was accepted."""
        path = self.directory / f"{name}.json"
        if not path.exists():
            return None
        try:  # bounded (``core.files.REFERENCE_LIMIT``): the cache is a file anyone with the account can swap
            data = json.loads(read_text_bounded(path, REFERENCE_LIMIT, "参考数据文件"))
        except (ConfigError, ValueError, RecursionError) as exc:
            log.warning("cached reference %s unreadable: %s", name, exc)
            return None
        return data if isinstance(data, dict) else None


#: keys in ``sync_state``: the ETag fetched, the version and hash last accepted, an ETag refused
#: (not fetched again), entries awaiting an administrator (JSON: the signed set they came in and why)
ETAG, VERSION, SHA, REFUSED, PENDING = "etag:", "refver:", "refsha:", "refused:", "pending:"
#: why the set offered now was refused (Chinese), until one is accepted: what the administrator is shown
WHY = "refusedwhy:"


class ReferencePuller:
    def __init__(self, db: Database, client: CentralClient, target: ReferenceTarget | None,
                 emit: Callable[[SyncEvent], None]) -> None:
        self._db = db
        self._client = client
        self.target = target
        self._emit = emit

    def pull(self) -> list[str]:
        """Fetch changed reference data into the cache; the names updated (refused sets are reported).

        Raises ``SyncError`` when the central system cannot be asked.
        """
        target = self.target
        if target is None:
            return []
        updated = []
        offered = self._client.reference_index()
        for name in target.names:
            if name not in offered:
                continue
            state = {key: syncstate.get_value(self._db, key + name) for key in (ETAG, REFUSED)}
            etag = state[ETAG] if (target.directory / f"{name}.json").exists() else None
            if offered[name] == etag or _refusal_mark(target, offered[name]) == state[REFUSED]:
                continue  # unchanged, or refused already under the same key (and reported then)
            sent = self._client.reference(name, etag)
            if sent is None:
                continue
            if self._take(target, name, sent, offered[name]):
                updated.append(name)
        # every set offered was looked at (taken, unchanged or refused): the data is as current as the central's
        syncstate.set_values(self._db, {syncstate.REFERENCE_CHECKED: target.clock().isoformat(timespec="seconds")})
        if updated:  # the terminal reads forms, holidays and figures again
            if target.after_update is not None:
                target.after_update(tuple(updated))
            self._emit(ReferenceUpdated(pending_count(self._db), tuple(updated)))
        return updated

    def _take(self, target: ReferenceTarget, name: str, sent: ReferenceData, offered_etag: str) -> bool:
        """Check one set and put it in force; False when refused (or nothing in it changed)."""
        sha = canonical_sha256(sent.document)
        # the ETag kept is the one of what was verified (the header is not signed): computed, as the server does
        etag = f'"{sha}"'
        offered = offered_etag
        try:
            version = _verified_version(target, name, sent)
            accepted = int(syncstate.get_value(self._db, VERSION + name) or 0)
            if version < accepted:
                raise Refusal(f"版本 {version} 低于本机已接受的版本 {accepted}（疑似旧数据重放）")
            if version == accepted and sha != syncstate.get_value(self._db, SHA + name):
                raise Refusal(f"版本 {version} 未变但内容被改动")
            # the same version and content again only when the cache was lost: judged and written anew
            try:
                target.validate(name, sent.document)
            except CounterError as exc:
                raise Refusal(f"数据无法使用：{exc.user_message}") from exc
            judgement = target.judge(name, target.cached(name), sent.document)
            if judgement.refused is not None:
                raise Refusal(judgement.refused)
        except Refusal as refusal:
            self._refuse(target, name, sent.version, offered, refusal.reason)
            return False
        _write_atomically(target.directory / f"{name}.json",
                          json.dumps(judgement.in_force, ensure_ascii=False, indent=1).encode("utf-8"))
        pending = ({"version": version, "signature": sent.signature, "document": sent.document,
                    "entries": {key: list(why) for key, why in judgement.pending.items()}}
                   if judgement.pending else None)
        values: dict[str, str | None] = {
            ETAG + name: etag, VERSION + name: str(version), SHA + name: sha, REFUSED + name: None, WHY + name: None,
            PENDING + name: None if pending is None else json.dumps(pending, ensure_ascii=False)}
        held = sorted(judgement.pending)
        with self._db.sessions.begin() as s:
            syncstate.set_values_in(s, values)
            if target.audit is not None:
                target.audit.record_in(s, AuditEvent(AuditAction.REFERENCE_UPDATE, None, subject=name, detail={
                    "version": version, "held_for_confirmation": held}))
        log.info("reference data %s version %d in force%s", name, version,
                 f"; awaiting an administrator: {', '.join(held)}" if held else "")
        if held:
            self._emit(ReferenceAwaiting(pending_count(self._db), name, tuple(held)))
        return True

    def _refuse(self, target: ReferenceTarget, name: str, version: int | None, etag: str, reason: str) -> None:
        log.error("reference data %s (version %s) refused: %s", name, version, reason)
        with self._db.sessions.begin() as s:
            syncstate.set_values_in(s, {REFUSED + name: _refusal_mark(target, etag), WHY + name: reason})
            if target.audit is not None:
                target.audit.record_in(s, AuditEvent(AuditAction.REFERENCE_REFUSED, None, subject=name, detail={
                    "version": version, "reason": reason}))
        self._emit(ReferenceRefused(pending_count(self._db), name, reason))


def _refusal_mark(target: ReferenceTarget, etag: str) -> str:
    """What a refusal is remembered by: the offer and the key it was checked with (a key enrolled since
    is worth asking again)."""
    return f"{etag} {target.signing_key.hex() if target.signing_key else '-'}"


class Refusal(Exception):
    """Why a data set is refused, in Chinese (never leaves this module)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _verified_version(target: ReferenceTarget, name: str, sent: ReferenceData) -> int:
    """The set's version once its signature verified under the enrolled key; ``Refusal`` otherwise."""
    if target.signing_key is None:
        raise Refusal("本终端未登记中心系统的签名公钥，无法验证参考数据（请管理员设置 central_signing_key）")
    if sent.signature is None:
        raise Refusal("参考数据未签名")
    if sent.version is None or sent.version < 1:
        raise Refusal("参考数据缺少版本号")
    try:
        verify_signature(target.signing_key, sent.signature, reference_message(name, sent.version, sent.document))
    except InvalidSignature:
        raise Refusal("参考数据签名无效：内容可能被篡改，或本终端登记的中心系统公钥不符") from None
    return sent.version


def refusals(db: Database, target: ReferenceTarget) -> dict[str, str]:
    """The sets whose current offer was refused, and why (cleared once a set is accepted)."""
    found = {name: syncstate.get_value(db, WHY + name) for name in target.names}
    return {name: why for name, why in found.items() if why}


@dataclass(frozen=True)
class PendingEntry:
    """One held-back entry (a form) of a signed set: what it would give up if confirmed."""

    name: str
    key: str
    set_version: int
    weakenings: tuple[str, ...]
    entry: Mapping[str, Any]


def pending_entries(db: Database, target: ReferenceTarget) -> list[PendingEntry]:
    """Every entry awaiting an administrator's confirmation, by set and key."""
    found = []
    for name in target.names:
        held = _pending(db, name)
        if held is None:
            continue
        for key, why in sorted(held["entries"].items()):
            found.append(PendingEntry(name, key, held["version"], tuple(why), held["document"].get(key, {})))
    return found


def _pending(db: Database, name: str) -> dict[str, Any] | None:
    text = syncstate.get_value(db, PENDING + name)
    if text is None:
        return None
    try:
        held = json.loads(text)
    except ValueError:
        return None
    return held if isinstance(held, dict) and isinstance(held.get("entries"), dict) else None


def confirm_pending(db: Database, target: ReferenceTarget, name: str, key: str, clerk_id: str) -> PendingEntry:
    """Put a held-back entry in force, recording who confirmed what (permission is the caller's check).

    The signed set it came in is verified again under the enrolled key, so neither a changed database
    row nor a key changed since lets anything else through. ``StateError`` when nothing such is pending.
    """
    held = _pending(db, name)
    why = None if held is None else held["entries"].get(key)
    if held is None or why is None:
        raise StateError(f"nothing pending for {name}/{key}", user_message=f"没有待确认的参考数据更新：{key}",
                         hint="请刷新待确认列表。")
    sent = ReferenceData(held["document"], None, held.get("version"), held.get("signature"))
    try:
        version = _verified_version(target, name, sent)
    except Refusal as refusal:
        raise StateError(f"pending {name}/{key} no longer verifies",
                         user_message=f"待确认的更新无法验证：{refusal.reason}",
                         hint="该更新不能生效；请联系中心系统重新下发。") from None
    entry = sent.document[key]
    rest = {k: v for k, v in held["entries"].items() if k != key}
    # recorded first: a crash before the file is written leaves the old entry in force (the safe side)
    with db.sessions.begin() as s:
        syncstate.set_values_in(s, {PENDING + name: json.dumps({**held, "entries": rest}, ensure_ascii=False)
                                    if rest else None})
        if target.audit is not None:
            target.audit.record_in(s, AuditEvent(AuditAction.REFERENCE_CONFIRM, clerk_id, subject=f"{name}/{key}",
                                                 detail={"set_version": version,
                                                         "entry_version": _int_or_none(entry.get("version")),
                                                         "weakenings": list(why)}))
    in_force = target.cached(name) or {}
    in_force[key] = entry
    _write_atomically(target.directory / f"{name}.json",
                      json.dumps(in_force, ensure_ascii=False, indent=1).encode("utf-8"))
    return PendingEntry(name, key, version, tuple(why), entry)


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
