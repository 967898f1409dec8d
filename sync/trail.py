"""Sending the audit trail to the central system: every entry once, in order, after the submissions.

The cursor (``syncstate.AUDIT_SENT``, the last entry the central system acknowledged) lives beside
the feed cursor, not in the audit table, whose rows triggers keep from ever changing. A batch is the
entries after the cursor, exactly as stored (the central system checks each hash and link again); the
cursor moves only after the central system's answer says it holds them. A lost answer or a kill in
between sends the batch again, and the central system counts what it holds already as duplicates: so
each entry arrives exactly once, whatever the network and the power do.

A refusal is not retried blindly: ``audit_gap`` (the central system holds fewer entries than the
cursor says, e.g. restored from a backup) rewinds the cursor to what it holds and sends again; a fork,
a conflict or a hash mismatch means the two copies differ, which only a person can judge: it is kept
in ``syncstate.AUDIT_ERROR`` for the status and the logs, and tried again later.
"""

from __future__ import annotations

import logging

from core.errors import SyncError
from local_db import syncstate
from local_db.audit import last_seq, stored_entries
from local_db.database import Database
from sync.client import CentralClient

log = logging.getLogger(__name__)

#: entries per request (the protocol allows up to 500; 200 keep a request small on a slow line)
TRAIL_BATCH = 200
#: refusals that mean the central system's copy and ours differ
CHAIN_REFUSALS = ("audit_fork", "audit_conflict", "audit_hash_mismatch")
REFUSED = "中心系统拒收本终端的审计日志：两处保存的记录不一致。"
REFUSED_HINT = "审计日志可能被改动过，请立即报告系统管理员和稽核人员，并保留本机数据。"


class TrailSender:
    def __init__(self, db: Database, client: CentralClient, *, batch: int = TRAIL_BATCH) -> None:
        self._db = db
        self._client = client
        self._batch = batch
        #: the central system has no audit endpoint (an older one): nothing is sent to it
        self.unsupported = False

    def cursor(self) -> int:
        """The last entry the central system acknowledged (0: none yet)."""
        value = syncstate.get_value(self._db, syncstate.AUDIT_SENT)
        return int(value) if value and value.isascii() and value.isdigit() else 0

    def pending(self) -> int:
        """Entries not yet acknowledged by the central system."""
        return max(0, last_seq(self._db) - self.cursor())

    def send(self, max_batches: int = 1) -> int:
        """Send up to ``max_batches`` batches of unacknowledged entries; how many the central system now holds.

        Raises ``SyncError`` when it cannot be reached (retryable) or refuses the trail (not retryable;
        the reason is kept in ``syncstate.AUDIT_ERROR``).
        """
        acknowledged = 0
        rewound = False
        for _batch in range(max_batches):
            if self.unsupported:
                break
            cursor = self.cursor()
            entries = list(stored_entries(self._db, after=cursor, limit=self._batch))
            if not entries:
                break
            try:
                answer = self._client.post_audit_batch(entries)
            except SyncError as exc:
                code = str(exc.fields.get("code") or "")
                if code == "audit_gap" and not rewound and self._rewind(cursor):
                    rewound = True
                    continue
                if code in CHAIN_REFUSALS or code == "audit_gap":
                    log.error("central system refused the audit trail after entry %d: %s", cursor, exc.detail)
                    why = f"{REFUSED}（{code}，第 {cursor + 1} 条起）"
                    syncstate.set_values(self._db, {syncstate.AUDIT_ERROR: why})
                    raise SyncError(exc.detail, retryable=False, status=exc.status, code=code, user_message=why,
                                    hint=REFUSED_HINT) from exc
                raise
            if answer is None:
                log.info("central system has no audit endpoint; the trail stays on this terminal")
                self.unsupported = True
                break
            syncstate.set_values(self._db, {syncstate.AUDIT_SENT: str(entries[-1].seq), syncstate.AUDIT_ERROR: None})
            acknowledged += len(entries)
        return acknowledged

    def _rewind(self, cursor: int) -> bool:
        """After ``audit_gap``: send again from what the central system holds, if that is less than we thought."""
        head = self._client.audit_head()
        if head is None or head.last_seq >= cursor:
            return False
        log.warning("central system holds audit entries up to %d, not %d: sending again from there",
                    head.last_seq, cursor)
        syncstate.set_values(self._db, {syncstate.AUDIT_SENT: str(head.last_seq)})
        return True
