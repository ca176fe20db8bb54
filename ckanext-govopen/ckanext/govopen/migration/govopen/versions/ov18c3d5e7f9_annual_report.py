"""annual reports: figures from the scorecard, narrative, frozen when published (issue 18)

Revision ID: ov18c3d5e7f9
Revises: ov18b2c4d6e8
Create Date: 2026-12-06 00:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "ov18c3d5e7f9"
down_revision = "ov18b2c4d6e8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "govopen_annual_report",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("organization_id", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("state", sa.UnicodeText, nullable=False, server_default="draft"),
        sa.Column("figures", sa.JSON, nullable=False),
        sa.Column("narrative", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("generated_at", sa.DateTime, nullable=False),
        sa.Column("generated_by", sa.UnicodeText),
        sa.Column("published_at", sa.DateTime),
        sa.Column("published_by", sa.UnicodeText),
        sa.Column("sha256", sa.UnicodeText),
        sa.UniqueConstraint("year", "organization_id", name="govopen_annual_report_once"),
    )


def downgrade():
    op.drop_table("govopen_annual_report")
