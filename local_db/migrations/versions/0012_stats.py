"""Issue 18: covering indexes for the supervisor's statistics (``local_db.reports``).

A report reads a year of submissions by ``created_at``. Through the table itself that means decrypting
every page of every row, form payloads included (a busy terminal's year is about 200 MB under SQLCipher):
seconds, not the 200 ms a supervisor waits (``bench/reports.py``). These indexes hold exactly the columns a
report reads, so SQLite answers from them alone (a few MB): ``ix_submission_stats`` for the submissions
of a range and ``ix_informed_notice_stats`` for the one-time notices. The single-column ``created_at``
indexes they make redundant stay (the workbench's and the retention's queries name them in their plans).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: the columns a report reads, the range column first
STATS_COLUMNS = ["created_at", "state", "case_version", "clerk_id", "terminal_id", "item_code", "due_date",
                 "answered_at", "closed_at", "waiver_count"]
NOTICE_COLUMNS = ["created_at", "clerk_id", "terminal_id", "item_code"]


def upgrade() -> None:
    op.create_index("ix_submission_stats", "submission", STATS_COLUMNS)
    op.create_index("ix_informed_notice_stats", "informed_notice", NOTICE_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_informed_notice_stats", "informed_notice")
    op.drop_index("ix_submission_stats", "submission")
