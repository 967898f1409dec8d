"""Issue 16: tiered review as data. A case keeps the tier it was submitted with, and each signature.

``submission`` gains ``review_tier`` and ``review_reasons`` (computed from the values when submitted);
``review_signature`` holds each signed step (复核 ``review``, 审批 ``approval``): who, when, on which
terminal. A case already waiting for its second clerk was submitted under the one-signature rule, so it
keeps that tier (``review``); its former approver column stays for cases approved before.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submission") as batch:
        batch.add_column(sa.Column("review_tier", sa.String(16), nullable=True))
        batch.add_column(sa.Column("review_reasons", sa.JSON(), nullable=True))
    op.execute("UPDATE submission SET review_tier = 'review' WHERE state = 'awaiting_approval'")
    op.create_table(
        "review_signature",
        sa.Column("submission_id", sa.String(36), sa.ForeignKey("submission.id"), primary_key=True),
        sa.Column("step", sa.String(16), primary_key=True),
        sa.Column("clerk_id", sa.String(32), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("terminal_id", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("review_signature")
    with op.batch_alter_table("submission") as batch:
        batch.drop_column("review_reasons")
        batch.drop_column("review_tier")
