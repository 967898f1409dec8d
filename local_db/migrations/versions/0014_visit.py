"""Issue 19 item 6: the statistics count home visits (上门服务) from an index of their own.

A report reads a year from the covering indexes of 0012 and never the table (the payloads would be
decrypted). Home visits are a few cases among many, so rather than widen those three indexes, a partial
index holds only the submissions taken at the applicant's home, with the day, the three groups and the
state a report needs: the count is a second small read (``local_db.reports``), like the one-time notices'.

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


def upgrade() -> None:
    op.create_index("ix_submission_home_visits", "submission",
                    ["received_day", "clerk_id", "terminal_id", "item_code", "state", "home_visit"],
                    sqlite_where=sa.text("home_visit = 1"))


def downgrade() -> None:
    op.drop_index("ix_submission_home_visits", "submission")
