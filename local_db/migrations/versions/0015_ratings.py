"""Issue 19: the 好差评 ratings counted in the statistics from the statistics' own indexes (``local_db.reports``).

A report reads a year of submissions from a covering index per grouping (migration 0012). Joining
``case_rating`` would read a table page (decrypted, payload and all) per rated case; a second index of the
rated versions alone costs a second scan, half as long again as the report (measured on the 50,000-case
year of ``bench/reports.py``). So the rating travels in the index the report already reads:

- ``submission.rating_bits``: ``1 << 12 * (level - 1)`` for the case's rating (0 while unrated), written by a
  SQLite trigger when the rating is stored (a rating is never changed: one per case), backfilled here. A
  sum of it over a day and group holds the count of each of the five levels in its own 12-bit field (60
  bits), so one sum counts them all where five conditional sums would cost as much as the rest of the
  report; ``local_db.reports`` unpacks the fields before folding the days;
- the three covering indexes of 0012 made again with ``rating_bits`` as their last column.

A plain ADD COLUMN, never a batch rebuild of ``submission`` (that would drop the triggers of 0012).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

#: migration 0012's covering indexes: name -> the group it serves, and the columns after the day and group
STATS_INDEXES = {"ix_submission_stats_clerk": "clerk_id", "ix_submission_stats_window": "terminal_id",
                 "ix_submission_stats_item": "item_code"}
STATS_COLUMNS = ["state", "case_version", "waiver_count", "answer_days", "answered_late", "was_returned", "open_due"]
_BITS = "(1 << (12 * ({level} - 1)))"


def _indexes(extra: list[str]) -> None:
    for name, group in STATS_INDEXES.items():
        op.drop_index(name, "submission")
        op.create_index(name, "submission", ["received_day", group, *STATS_COLUMNS, *extra])


def upgrade() -> None:
    op.add_column("submission", sa.Column("rating_bits", sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE submission SET rating_bits = coalesce((SELECT " + _BITS.format(level="case_rating.level")
               + " FROM case_rating WHERE case_rating.submission_id = submission.id), 0)")
    op.execute("CREATE TRIGGER case_rating_stats_insert AFTER INSERT ON case_rating BEGIN "
               f"UPDATE submission SET rating_bits = {_BITS.format(level='NEW.level')} "
               "WHERE id = NEW.submission_id; END")
    _indexes(["rating_bits"])


def downgrade() -> None:
    _indexes([])
    op.execute("DROP TRIGGER case_rating_stats_insert")
    op.drop_column("submission", "rating_bits")  # SQLite 3.35+ drops a column in place, triggers kept
