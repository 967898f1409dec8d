"""Issue 19: the applicant's side of the counter.

- ``submission.home_visit``: the case was taken at the applicant's home (上门服务) on a laptop, not at a
  window; the receipt, the records and the statistics say so and the central system is told.
- ``case_rating``: the applicant's 好差评 of a handled case (five levels, 5 = 非常满意 … 1 = 非常不满意, and the
  reasons chosen for the two lowest). It belongs to the case (``submission_id``), never to the person: no
  name or ID number is stored with it. Its client UUID is the idempotency key the central system dedupes on;
  ``sent_at`` / ``last_error`` follow the sync as ``case_reminder`` does.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: a batch (copy-and-move) rebuild would drop the statistics triggers of 0012
    op.add_column("submission", sa.Column("home_visit", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "case_rating",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("submission_id", sa.String(36), sa.ForeignKey("submission.id"), nullable=False),
        sa.Column("clerk_id", sa.String(32), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="ck_case_rating_level"),
    )
    op.create_index("ix_case_rating_submission_id", "case_rating", ["submission_id"], unique=True)
    op.create_index("ix_case_rating_pending", "case_rating", ["created_at"],
                    sqlite_where=sa.text("sent_at IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_case_rating_pending", table_name="case_rating")
    op.drop_index("ix_case_rating_submission_id", table_name="case_rating")
    op.drop_table("case_rating")
    op.drop_column("submission", "home_visit")  # SQLite 3.35+ drops a column in place, triggers kept
