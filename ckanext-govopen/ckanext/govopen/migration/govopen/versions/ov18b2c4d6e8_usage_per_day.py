"""views and downloads per dataset and local day, for the scorecards (issue 18)

Revision ID: ov18b2c4d6e8
Revises: ak16a1b2c3d4
Create Date: 2026-12-05 23:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = "ov18b2c4d6e8"
down_revision = "ak16a1b2c3d4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "govopen_dataset_usage_day",
        sa.Column("package_id", sa.UnicodeText, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("views", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("downloads", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.create_index("govopen_dataset_usage_day_day_idx", "govopen_dataset_usage_day", ["day"])


def downgrade():
    op.drop_table("govopen_dataset_usage_day")
