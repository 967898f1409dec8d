"""Counter receipts: the number printed on the 受理回执, and a per-terminal daily sequence for it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submission") as batch:
        batch.add_column(sa.Column("counter_receipt_no", sa.String(48), nullable=True))
        batch.create_unique_constraint("uq_submission_counter_receipt_no", ["counter_receipt_no"])
    op.create_table(
        "receipt_counter",
        sa.Column("terminal_id", sa.String(64), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("last", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("receipt_counter")
    with op.batch_alter_table("submission") as batch:
        batch.drop_constraint("uq_submission_counter_receipt_no", type_="unique")
        batch.drop_column("counter_receipt_no")
