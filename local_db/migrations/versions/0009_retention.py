"""Issue 16's retention: when a submission's personal data and its attachments' scans were purged.

A purged submission keeps its row (receipt numbers, item, dates, state) so the records list and the
audit trail still name it; ``purged_at`` says its personal content is gone. An attachment row stays as a
tombstone with its hash, so the sealed file can be deleted after the commit and swept later if a crash
came in between. A closed submission of a release before the closing time was stored gets its last
change as its closing time, so retention counts from a real moment for it too.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submission") as batch:
        batch.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("attachment") as batch:
        batch.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_attachment_sha256", ["sha256"])  # who else holds a file (the sweep)
    op.execute("UPDATE submission SET closed_at = updated_at WHERE state = 'closed' AND closed_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("attachment") as batch:
        batch.drop_index("ix_attachment_sha256")
        batch.drop_column("purged_at")
    with op.batch_alter_table("submission") as batch:
        batch.drop_column("purged_at")
