"""Issue 18: indexes for the workbench's lists.

The workbench counts and lists, every minute, the cases of a state for one clerk (drafts, returned), the
open cases by due date (due soon, overdue) and the answers of the last days. With only the single-column
indexes SQLite chose ``clerk_id`` for a one-clerk terminal and read every submission it keeps (a year of a
busy terminal: 50,000), and nothing served ``answered_at``. Each composite index leads with ``state``, so
an ``IN`` over the few open states and a range on the second column read only the rows listed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_submission_state_clerk": ["state", "clerk_id"],
    "ix_submission_state_due": ["state", "due_date"],
    "ix_submission_state_answered": ["state", "answered_at"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "submission", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="submission")
