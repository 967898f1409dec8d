"""Issue 18: the clerk's workbench. Due dates kept, reminders, one-time notices, favourite items.

``submission`` gains the legal due date counted when it was accepted (``due_date``; None when the item has
no day count), whether that date is provisional (``due_provisional``: counted from the statutory holidays
because the year's schedule was not yet published, recomputed when it arrives), the working-day limit it was
counted with (``time_limit_days``, so a later form definition does not move a promise already printed), how
many required materials were waived (``waiver_count``, for the statistics without reading JSON), and when
the central system's answer came (``answered_at``: returned or closed). ``created_at`` and ``clerk_id`` get
indexes: the workbench and the statistics filter and group by them.

``case_reminder`` holds each 催办 a clerk records on a case pending at the central system, and when it was
sent there. ``informed_notice`` holds each 一次性告知书: the outcome "informed, not accepted", with what the
applicant still has to bring. ``clerk_item`` holds each clerk's favourite and recently used items.

Existing submissions get their due dates at the next start (the terminal counts them with its calendar);
a migration cannot, since the holiday schedule is reference data.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


#: the rows ``local_db.due_dates`` counts again; its query states this term word for word (SQLite uses a partial
#: index only for a query whose WHERE holds the index's own)
DUE_OPEN = "due_provisional IS 1 OR due_date IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("submission") as batch:
        batch.add_column(sa.Column("due_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("due_provisional", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("time_limit_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("waiver_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_submission_due_date", ["due_date"])
        batch.create_index("ix_submission_created_at", ["created_at"])
        batch.create_index("ix_submission_clerk_id", ["clerk_id"])
        # the due dates still to count (provisional, or not yet counted): found at every start without a scan
        batch.create_index("ix_submission_due_open", ["id"], sqlite_where=sa.text(DUE_OPEN))
    op.execute("UPDATE submission SET answered_at = closed_at WHERE state = 'closed' AND answered_at IS NULL")
    op.create_table(
        "case_reminder",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("submission_id", sa.String(36), sa.ForeignKey("submission.id"), nullable=False, index=True),
        sa.Column("clerk_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
    )
    op.create_table(
        "informed_notice",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("notice_no", sa.String(48), nullable=False, unique=True),
        sa.Column("item_code", sa.String(64), nullable=False, index=True),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("terminal_id", sa.String(64), nullable=False),
        sa.Column("clerk_id", sa.String(32), nullable=False, index=True),
        sa.Column("applicant_name", sa.String(64), nullable=True),
        sa.Column("applicant_id_number", sa.String(32), nullable=True),
        sa.Column("agent_name", sa.String(64), nullable=True),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "clerk_item",
        sa.Column("clerk_id", sa.String(32), sa.ForeignKey("clerk.id"), primary_key=True),
        sa.Column("item_code", sa.String(64), primary_key=True),
        sa.Column("favourite", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("use_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("clerk_item")
    op.drop_table("informed_notice")
    op.drop_table("case_reminder")
    with op.batch_alter_table("submission") as batch:
        batch.drop_index("ix_submission_due_open")
        batch.drop_index("ix_submission_clerk_id")
        batch.drop_index("ix_submission_created_at")
        batch.drop_index("ix_submission_due_date")
        batch.drop_column("answered_at")
        batch.drop_column("waiver_count")
        batch.drop_column("time_limit_days")
        batch.drop_column("due_provisional")
        batch.drop_column("due_date")
