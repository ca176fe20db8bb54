"""create the publication gate tables (issue 7)

One row per resource with the desensitization job, private original, report and
signed review; the YAML policies (department default, dataset override); the audit
events of the gate.

Revision ID: d4e6f8a0b2c5
Revises: c3d5e7f9a2b4
Create Date: 2026-11-28 08:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "d4e6f8a0b2c5"
down_revision = "c3d5e7f9a2b4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "govopen_publication",
        sa.Column("resource_id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("org_id", sa.UnicodeText, nullable=True),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("token", sa.UnicodeText, nullable=False),
        sa.Column("fingerprint", sa.UnicodeText, nullable=False),
        sa.Column("original_path", sa.UnicodeText, nullable=True),
        sa.Column("original_name", sa.UnicodeText, nullable=True),
        sa.Column("original_sha256", sa.UnicodeText, nullable=True),
        sa.Column("original_size", sa.BigInteger, nullable=True),
        sa.Column("policy_id", sa.UnicodeText, nullable=True),
        sa.Column("policy_version", sa.Integer, nullable=True),
        sa.Column("rows_done", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("rows_total", sa.BigInteger, nullable=True),
        sa.Column("report", sa.JSON, nullable=True),
        sa.Column("report_hash", sa.UnicodeText, nullable=True),
        sa.Column("error", sa.JSON, nullable=True),
        sa.Column("rq_job_id", sa.UnicodeText, nullable=True),
        sa.Column("uploaded_by", sa.UnicodeText, nullable=True),
        sa.Column("queued_at", sa.DateTime, nullable=True),
        sa.Column("started_at", sa.DateTime, nullable=True),
        sa.Column("heartbeat_at", sa.DateTime, nullable=True),
        sa.Column("finished_at", sa.DateTime, nullable=True),
        sa.Column("review", sa.JSON, nullable=True),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    op.create_index("ix_govopen_publication_package_id", "govopen_publication", ["package_id"])
    op.create_table(
        "govopen_publication_policy",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("org_id", sa.UnicodeText, nullable=False),
        sa.Column("package_id", sa.UnicodeText, nullable=True),
        sa.Column("yaml", sa.UnicodeText, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.UnicodeText, nullable=True),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    op.create_index("govopen_publication_policy_scope_idx", "govopen_publication_policy",
                    ["org_id", "package_id"])
    op.create_table(
        "govopen_publication_event",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("resource_id", sa.UnicodeText, nullable=True),
        sa.Column("package_id", sa.UnicodeText, nullable=True),
        sa.Column("user_id", sa.UnicodeText, nullable=True),
        sa.Column("action", sa.UnicodeText, nullable=False),
        sa.Column("detail", sa.JSON, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_index("ix_govopen_publication_event_resource_id", "govopen_publication_event",
                    ["resource_id"])
    op.create_index("ix_govopen_publication_event_package_id", "govopen_publication_event",
                    ["package_id"])


def downgrade():
    op.drop_table("govopen_publication_event")
    op.drop_table("govopen_publication_policy")
    op.drop_table("govopen_publication")
