"""department grants: an approved share request grants its data to the requesting
department (org_id), not to one user (user_id becomes optional)

Revision ID: e5f7a9b1c3d6
Revises: d4e6f8a0b2c5
Create Date: 2026-12-01 08:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = "e5f7a9b1c3d6"
down_revision = "d4e6f8a0b2c5"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("govopen_grant", sa.Column("org_id", sa.UnicodeText, nullable=True))
    op.create_index("ix_govopen_grant_org_id", "govopen_grant", ["org_id"])
    op.alter_column("govopen_grant", "user_id", existing_type=sa.UnicodeText, nullable=True)


def downgrade():
    op.execute("DELETE FROM govopen_grant WHERE user_id IS NULL")
    op.alter_column("govopen_grant", "user_id", existing_type=sa.UnicodeText, nullable=False)
    op.drop_index("ix_govopen_grant_org_id", "govopen_grant")
    op.drop_column("govopen_grant", "org_id")
