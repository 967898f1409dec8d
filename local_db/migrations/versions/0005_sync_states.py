"""Issue 7's states and sync bookkeeping.

Submissions belong to a case (a returned application corrected and sent again is a new version of the
same case), remember who approved them (second-person approval, Art. 37) and why the central system
returned them. The outbox keeps the exact body it sends, so every resend is byte-identical whatever later
code builds. Attachments remember when the central system confirmed it holds them. A small key/value
table keeps the status-feed cursor, the last successful sync and reference-data ETags.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submission") as batch:
        batch.add_column(sa.Column("case_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("case_version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("status_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("approved_by", sa.String(32), nullable=True))
        batch.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_submission_case_id", ["case_id"])
    op.execute("UPDATE submission SET case_id = id WHERE case_id IS NULL")
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("body", sa.Text(), nullable=True))
    with op.batch_alter_table("attachment") as batch:
        batch.add_column(sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sync_state")
    with op.batch_alter_table("attachment") as batch:
        batch.drop_column("uploaded_at")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("body")
    with op.batch_alter_table("submission") as batch:
        batch.drop_index("ix_submission_case_id")
        for column in ("closed_at", "approved_at", "approved_by", "status_reason", "case_version", "case_id"):
            batch.drop_column(column)
