"""applications (应用): a named API token owned by a user (issue 16)

Revision ID: ak16a1b2c3d4
Revises: ui14d5e6f7a8
Create Date: 2026-12-05 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "ak16a1b2c3d4"
down_revision = "ui14d5e6f7a8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "govopen_app",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("description", sa.UnicodeText, nullable=True),
        sa.Column("token_id", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_index("govopen_app_user_idx", "govopen_app", ["user_id"])
    op.create_index("govopen_app_token_idx", "govopen_app", ["token_id"], unique=True)


def downgrade():
    op.drop_index("govopen_app_token_idx", "govopen_app")
    op.drop_index("govopen_app_user_idx", "govopen_app")
    op.drop_table("govopen_app")
