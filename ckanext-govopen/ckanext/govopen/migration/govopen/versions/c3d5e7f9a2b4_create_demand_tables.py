"""create the demand board tables (issue 8)

Demands, their distinct requesters (one row per user) and the demand's audit
events. Reviews, reconsiderations and objections use the request table.

Revision ID: c3d5e7f9a2b4
Revises: b7e2c4d6f8a1
Create Date: 2026-11-28 08:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = "c3d5e7f9a2b4"
down_revision = "b7e2c4d6f8a1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "govopen_demand",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=True),
        sa.Column("title", sa.UnicodeText, nullable=True),
        sa.Column("description", sa.UnicodeText, nullable=True),
        sa.Column("suggested_org_id", sa.UnicodeText, nullable=True),
        sa.Column("department_id", sa.UnicodeText, nullable=True),
        sa.Column("creator_id", sa.UnicodeText, nullable=False),
        sa.Column("review_request_id", sa.UnicodeText, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
    )
    op.create_index("govopen_demand_package_idx", "govopen_demand", ["package_id"])
    op.create_index("govopen_demand_department_idx", "govopen_demand", ["department_id"])
    op.create_table(
        "govopen_demand_requester",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("demand_id", sa.UnicodeText, nullable=False),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.UniqueConstraint("demand_id", "user_id", name="govopen_demand_requester_once"),
    )
    op.create_index("govopen_demand_requester_demand_idx", "govopen_demand_requester",
                    ["demand_id", "created"])
    op.create_table(
        "govopen_demand_event",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("demand_id", sa.UnicodeText, nullable=False),
        sa.Column("actor_id", sa.UnicodeText, nullable=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("action", sa.UnicodeText, nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
    )
    op.create_index("govopen_demand_event_demand_idx", "govopen_demand_event", ["demand_id", "at"])


def downgrade():
    op.drop_table("govopen_demand_event")
    op.drop_table("govopen_demand_requester")
    op.drop_table("govopen_demand")
