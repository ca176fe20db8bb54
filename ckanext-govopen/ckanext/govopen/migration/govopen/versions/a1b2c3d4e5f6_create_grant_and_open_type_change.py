"""create govopen_grant and govopen_open_type_change

Revision ID: a1b2c3d4e5f6
Revises:
Create Date: 2026-11-28 07:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "a1b2c3d4e5f6"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "govopen_grant",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("granted_by", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("expires", sa.DateTime, nullable=True),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
        sa.Column("revoked_by", sa.UnicodeText, nullable=True),
        sa.Column("request_id", sa.UnicodeText, nullable=True),
    )
    op.create_index("govopen_grant_user_package_idx", "govopen_grant",
                    ["user_id", "package_id"])
    op.create_table(
        "govopen_open_type_change",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("user_id", sa.UnicodeText, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("old_open_type", sa.UnicodeText, nullable=True),
        sa.Column("new_open_type", sa.UnicodeText, nullable=False),
        sa.Column("reason", sa.UnicodeText, nullable=True),
    )
    op.create_index("govopen_open_type_change_pkg_idx", "govopen_open_type_change",
                    ["package_id", "created"])


def downgrade():
    op.drop_table("govopen_open_type_change")
    op.drop_table("govopen_grant")
