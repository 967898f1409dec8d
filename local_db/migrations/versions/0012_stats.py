"""Issue 18: what the supervisor's statistics read (``local_db.reports``), kept ready and indexed.

A report reads a year of submissions. Through the table itself that means decrypting every page of every
row, form payloads included (a busy terminal's year is about 200 MB under SQLCipher): seconds, not the
200 ms a supervisor waits (``bench/reports.py``). Working out each row's Beijing day and its answer time
with SQLite's date functions costs about as much again (two date parses per row, 50,000 rows). So:

- ``submission.received_day``: the Beijing date (UTC+8) of ``created_at``, the day a report counts it in;
- ``submission.answer_days``: calendar days from ``created_at`` to ``answered_at`` (None until answered);
- ``submission.answered_late``: 1 when the answer came after the Beijing due day ended, else 0;
- ``submission.open_due``: the due date while no answer has come (None once answered), which a report
  compares with its "today";
- ``submission.was_returned``: 1 when the central system returned this version (still returned, or closed
  by its correction after the return: an approval closes a case at the moment of its answer), else 0;

all written by SQLite triggers on insert and on every change of the columns they come from, so every writer
(the use cases, the outbox's plain SQL, a bulk load) keeps them right without knowing about them, and
backfilled here. Three covering indexes, one per grouping of a report (clerk, window, item), hold exactly the
columns a report reads, the day and the group first, so a report is read from one index alone (a few MB)
in the order it is summed, without a sort; ``ix_informed_notice_stats`` the same for the one-time notices.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: the columns a report reads besides the day and the group
STATS_COLUMNS = ["state", "case_version", "waiver_count", "answer_days", "answered_late", "was_returned", "open_due"]
#: index name -> the group it serves
STATS_INDEXES = {"ix_submission_stats_clerk": "clerk_id", "ix_submission_stats_window": "terminal_id",
                 "ix_submission_stats_item": "item_code"}
NOTICE_COLUMNS = ["created_at", "clerk_id", "terminal_id", "item_code"]
#: the derived columns as SQLite computes them (times are stored as UTC text, ``local_db.models.UtcDateTime``)
_DERIVED = ("received_day = date({row}.created_at, '+8 hours'), "
            "answer_days = CASE WHEN {row}.answered_at IS NULL THEN NULL "
            "ELSE julianday({row}.answered_at) - julianday({row}.created_at) END, "
            "open_due = CASE WHEN {row}.answered_at IS NULL THEN {row}.due_date END, "
            "answered_late = CASE WHEN {row}.answered_at IS NOT NULL AND {row}.due_date IS NOT NULL "
            "AND {row}.answered_at >= ({row}.due_date || ' 16:00:00') THEN 1 ELSE 0 END, "
            "was_returned = CASE WHEN {row}.state = 'returned' OR ({row}.state = 'closed' "
            "AND {row}.answered_at IS NOT NULL AND {row}.closed_at > {row}.answered_at) THEN 1 ELSE 0 END")
#: the columns the derived ones come from
_SOURCES = "created_at, answered_at, due_date, state, closed_at"


def upgrade() -> None:
    with op.batch_alter_table("submission") as batch:
        batch.add_column(sa.Column("received_day", sa.Date(), nullable=True))
        batch.add_column(sa.Column("answer_days", sa.Float(), nullable=True))
        batch.add_column(sa.Column("answered_late", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("was_returned", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("open_due", sa.Date(), nullable=True))
    op.execute(f"UPDATE submission SET {_DERIVED.format(row='submission')}")
    op.execute("CREATE TRIGGER submission_stats_insert AFTER INSERT ON submission BEGIN "
               f"UPDATE submission SET {_DERIVED.format(row='NEW')} WHERE id = NEW.id; END")
    op.execute(f"CREATE TRIGGER submission_stats_update AFTER UPDATE OF {_SOURCES} ON submission BEGIN "
               f"UPDATE submission SET {_DERIVED.format(row='NEW')} WHERE id = NEW.id; END")
    for name, group in STATS_INDEXES.items():
        op.create_index(name, "submission", ["received_day", group, *STATS_COLUMNS])
    op.create_index("ix_informed_notice_stats", "informed_notice", NOTICE_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_informed_notice_stats", "informed_notice")
    for name in STATS_INDEXES:
        op.drop_index(name, "submission")
    op.execute("DROP TRIGGER submission_stats_update")
    op.execute("DROP TRIGGER submission_stats_insert")
    with op.batch_alter_table("submission") as batch:
        batch.drop_column("open_due")
        batch.drop_column("was_returned")
        batch.drop_column("answered_late")
        batch.drop_column("answer_days")
        batch.drop_column("received_day")
