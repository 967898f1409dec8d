"""Issue 19: the 好差评 ratings counted in the statistics without a join (``local_db.reports``).

A report reads a year of submissions from a covering index (migration 0012); joining ``case_rating`` to
``submission`` by the case's id would read a table page (and decrypt it, payload and all) per rated case,
which a busy year's 30,000 ratings make seconds, not the 200 ms a supervisor waits. So:

- ``submission.rating_level``: the level (1..5) of the case's rating, None while it has none, written by a
  SQLite trigger when the rating is stored (a rating is never changed: one per case), and backfilled here;
- three partial covering indexes, one per grouping of a report (clerk, window, item), of the rated versions
  only, led by the day like 0012's, holding the level: the rating sums are read from them alone.

A plain ADD COLUMN, never a batch rebuild of ``submission`` (that would drop the triggers of 0012).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

#: index name -> the group it serves
RATING_INDEXES = {"ix_submission_rating_clerk": "clerk_id", "ix_submission_rating_window": "terminal_id",
                  "ix_submission_rating_item": "item_code"}


def upgrade() -> None:
    op.add_column("submission", sa.Column("rating_level", sa.Integer(), nullable=True))
    op.execute("UPDATE submission SET rating_level = "
               "(SELECT level FROM case_rating WHERE case_rating.submission_id = submission.id)")
    op.execute("CREATE TRIGGER case_rating_stats_insert AFTER INSERT ON case_rating BEGIN "
               "UPDATE submission SET rating_level = NEW.level WHERE id = NEW.submission_id; END")
    for name, group in RATING_INDEXES.items():
        op.create_index(name, "submission", ["received_day", group, "rating_level"],
                        sqlite_where=sa.text("rating_level IS NOT NULL"))


def downgrade() -> None:
    for name in RATING_INDEXES:
        op.drop_index(name, "submission")
    op.execute("DROP TRIGGER case_rating_stats_insert")
    op.drop_column("submission", "rating_level")  # SQLite 3.35+ drops a column in place, triggers kept
