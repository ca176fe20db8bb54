"""issue 17: a grant's scope (columns × row filter), its 数据开放利用协议 (text, SHA-256,
acceptance) and suspension

Revision ID: gs17a1b2c3d4
Revises: ov18c3d5e7f9
Create Date: 2026-12-06 06:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "gs17a1b2c3d4"
down_revision = "ov18d4e6f8a0"
branch_labels = None
depends_on = None

COLUMNS = (
    ("scope", sa.JSON),
    ("agreement_text", sa.UnicodeText),
    ("agreement_sha256", sa.UnicodeText),
    ("agreement_accepted_at", sa.DateTime),
    ("agreement_accepted_by", sa.UnicodeText),
    ("suspended_at", sa.DateTime),
    ("suspended_by", sa.UnicodeText),
    ("status_reasons", sa.UnicodeText),
)


def upgrade():
    for name, type_ in COLUMNS:
        op.add_column("govopen_grant", sa.Column(name, type_, nullable=True))
    # grants given before the agreement existed keep serving (no agreement required)
    op.add_column("govopen_grant", sa.Column("agreement_required", sa.Boolean, nullable=False,
                                             server_default=sa.false()))


def downgrade():
    op.drop_column("govopen_grant", "agreement_required")
    for name, _ in reversed(COLUMNS):
        op.drop_column("govopen_grant", name)
