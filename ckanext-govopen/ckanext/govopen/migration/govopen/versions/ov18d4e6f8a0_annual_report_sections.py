"""annual reports: the departments' narrative sections frozen into the compilation (issue 18)

Revision ID: ov18d4e6f8a0
Revises: ov18c3d5e7f9
Create Date: 2026-12-06 06:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "ov18d4e6f8a0"
down_revision = "ov18c3d5e7f9"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("govopen_annual_report", sa.Column("sections", sa.JSON, nullable=True))


def downgrade():
    op.drop_column("govopen_annual_report", "sections")
