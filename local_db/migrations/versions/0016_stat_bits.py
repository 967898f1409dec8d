"""The statistics' per-version flags packed into one column, so a report sums one column for four counts.

A report of a year by day and item (``bench/reports.py``, 50,000 versions, 5,898 lines) spent most of its
time in SQLite's aggregates: each sum over the covering index costs about 5 ms per 50,000 rows, and the
day select had nine. Four of them count flags that are 0 or 1 per version: a correction (``case_version >
1``), returned (``was_returned``), answered late (``answered_late``) and answered (``answer_days`` known).
``submission.stat_bits`` holds them in four 15-bit fields (bits 0, 15, 30, 45), so one sum per day and group
counts all four (a day and group never holds 32,768 versions); ``local_db.reports`` unpacks them. It is
written by a trigger whenever one of its sources changes: migration 0012's triggers write
``was_returned``, ``answered_late`` and ``answer_days`` on every insert and answer, which fires it.
The three covering indexes are made again with ``stat_bits`` in place of the four columns it packs
(narrower rows, less to decode per version).

A plain ADD COLUMN, never a batch rebuild of ``submission`` (that would drop the triggers of 0012 and 0015).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

STATS_INDEXES = {"ix_submission_stats_clerk": "clerk_id", "ix_submission_stats_window": "terminal_id",
                 "ix_submission_stats_item": "item_code"}
#: 0015's index columns after the day and the group, and this revision's
BEFORE = ["state", "case_version", "waiver_count", "answer_days", "answered_late", "was_returned", "open_due",
          "rating_bits"]
AFTER = ["state", "open_due", "waiver_count", "answer_days", "stat_bits", "rating_bits"]
#: kept in step with ``local_db.reports.STAT_FIELD_BITS`` (15) and its field order
_PACKED = ("({row}.case_version > 1) | ({row}.was_returned << 15) | ({row}.answered_late << 30) "
           "| (({row}.answer_days IS NOT NULL) << 45)")


def _indexes(columns: list[str]) -> None:
    for name, group in STATS_INDEXES.items():
        op.drop_index(name, "submission")
        op.create_index(name, "submission", ["received_day", group, *columns])


def upgrade() -> None:
    op.add_column("submission", sa.Column("stat_bits", sa.Integer(), nullable=False, server_default="0"))
    op.execute(f"UPDATE submission SET stat_bits = {_PACKED.format(row='submission')}")
    op.execute("CREATE TRIGGER submission_stat_bits AFTER UPDATE OF case_version, was_returned, answered_late, "
               f"answer_days ON submission BEGIN UPDATE submission SET stat_bits = {_PACKED.format(row='NEW')} "
               "WHERE id = NEW.id; END")
    _indexes(AFTER)


def downgrade() -> None:
    _indexes(BEFORE)
    op.execute("DROP TRIGGER submission_stat_bits")
    op.drop_column("submission", "stat_bits")  # SQLite 3.35+ drops a column in place, triggers kept
