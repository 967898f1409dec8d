"""Issue 16: clerks' roles and sign-in lockout.

A ``clerk_role`` row per role a clerk holds (受理 front_desk, 复核 review, 审批 approval, 业务主管
supervisor, 稽核 auditor, 系统管理员 admin; the use cases check them). Every clerk that exists before
this migration is given front_desk and review, which is what any clerk could do until now, so an
installation keeps working after the upgrade; no one becomes an administrator: the first one is made
with ``sicounter clerk init-admin`` only while there are no clerks, or by an administrator. The clerk
row gains the count of wrong passwords and the time until which sign-in is locked.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clerk") as batch:
        batch.add_column(sa.Column("failed_signins", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "clerk_role",
        sa.Column("clerk_id", sa.String(32), sa.ForeignKey("clerk.id"), primary_key=True),
        sa.Column("role", sa.String(32), primary_key=True),
    )
    op.execute("INSERT INTO clerk_role (clerk_id, role) SELECT id, 'front_desk' FROM clerk")
    op.execute("INSERT INTO clerk_role (clerk_id, role) SELECT id, 'review' FROM clerk")


def downgrade() -> None:
    op.drop_table("clerk_role")
    with op.batch_alter_table("clerk") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_signins")
