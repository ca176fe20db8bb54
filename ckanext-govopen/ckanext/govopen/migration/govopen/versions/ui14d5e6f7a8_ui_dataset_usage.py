"""dataset usage: views and downloads per catalog entry (issue 14)

Revision ID: ui14d5e6f7a8
Revises: au1c3e5a7b9d
Create Date: 2026-12-05 09:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = "ui14d5e6f7a8"
down_revision = "au1c3e5a7b9d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "govopen_dataset_usage",
        sa.Column("package_id", sa.UnicodeText, primary_key=True),
        sa.Column("views", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("downloads", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("updated", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )


def downgrade():
    op.drop_table("govopen_dataset_usage")
