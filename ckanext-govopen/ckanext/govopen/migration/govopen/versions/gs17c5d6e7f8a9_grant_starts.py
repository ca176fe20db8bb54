"""a grant serves from the first day of the period applied for, not from approval
(outside test F11: an application for 12-10 onwards, approved on 12-06, served at once)

Revision ID: gs17c5d6e7f8a9
Revises: gs17a1b2c3d4
Create Date: 2026-12-06 07:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "gs17c5d6e7f8a9"
down_revision = "gs17a1b2c3d4"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("govopen_grant", sa.Column("starts", sa.DateTime, nullable=True))


def downgrade():
    op.drop_column("govopen_grant", "starts")
