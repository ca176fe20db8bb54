"""create request, request event, notification, grant download and calendar tables

One request table for every kind (domain/kinds/), its audit events, the
dashboard notifications, the grant download log, and the administrator calendar
(day overrides + official-year markers).

Revision ID: b7e2c4d6f8a1
Revises: a1b2c3d4e5f6
Create Date: 2026-11-28 08:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "b7e2c4d6f8a1"
down_revision = "a1b2c3d4e5f6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "govopen_request",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("jurisdiction", sa.UnicodeText, nullable=True),
        sa.Column("requester_id", sa.UnicodeText, nullable=False),
        sa.Column("requester_org_id", sa.UnicodeText, nullable=True),
        sa.Column("department_id", sa.UnicodeText, nullable=True),
        sa.Column("subject", sa.UnicodeText, nullable=True),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("identity_number", sa.UnicodeText, nullable=True),
        sa.Column("identity_hash", sa.UnicodeText, nullable=True),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("due_date", sa.Date, nullable=True),
        sa.Column("due_provisional", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("extensions", sa.Integer, nullable=False, server_default="0"),
        sa.Column("extension_days", sa.Integer, nullable=False, server_default="0"),
        sa.Column("decided_at", sa.DateTime, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
    )
    op.create_index("govopen_request_requester_idx", "govopen_request", ["requester_id"])
    op.create_index("govopen_request_department_idx", "govopen_request",
                    ["department_id", "state", "due_date"])
    op.create_index("govopen_request_subject_idx", "govopen_request", ["subject"])

    op.create_table(
        "govopen_request_event",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("request_id", sa.UnicodeText, nullable=False),
        sa.Column("actor_id", sa.UnicodeText, nullable=False),
        sa.Column("actor_roles", sa.JSON, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("action", sa.UnicodeText, nullable=False),
        sa.Column("from_state", sa.UnicodeText, nullable=True),
        sa.Column("to_state", sa.UnicodeText, nullable=False),
        sa.Column("comment", sa.UnicodeText, nullable=True),
        sa.Column("fields", sa.JSON, nullable=False),
    )
    op.create_index("govopen_request_event_request_idx", "govopen_request_event", ["request_id", "at"])

    op.create_table(
        "govopen_notification",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("request_id", sa.UnicodeText, nullable=True),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("message", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("read", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("emailed_at", sa.DateTime, nullable=True),
        sa.Column("email_error", sa.UnicodeText, nullable=True),
        sa.Column("dedup_key", sa.UnicodeText, nullable=True),
        sa.UniqueConstraint("dedup_key", name="govopen_notification_dedup_key"),
    )
    op.create_index("govopen_notification_user_idx", "govopen_notification", ["user_id", "created"])

    op.create_table(
        "govopen_grant_download",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("grant_id", sa.UnicodeText, nullable=False),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("package_id", sa.UnicodeText, nullable=True),
        sa.Column("resource_id", sa.UnicodeText, nullable=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("ip", sa.UnicodeText, nullable=True),
        sa.Column("via", sa.UnicodeText, nullable=True),
    )
    op.create_index("govopen_grant_download_grant_idx", "govopen_grant_download", ["grant_id", "at"])

    op.create_table(
        "govopen_calendar_day",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("workday", sa.Boolean, nullable=False),
        sa.Column("name", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("source", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("jurisdiction", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("created_by", sa.UnicodeText, nullable=True),
        sa.Column("modified", sa.DateTime, nullable=False),
        sa.UniqueConstraint("day", "jurisdiction", name="govopen_calendar_day_uniq"),
    )
    op.create_table(
        "govopen_calendar_year",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("jurisdiction", sa.UnicodeText, primary_key=True, server_default=""),
        sa.Column("official", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("source", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("created_by", sa.UnicodeText, nullable=True),
        sa.Column("modified", sa.DateTime, nullable=False),
    )


def downgrade():
    for name in ("govopen_calendar_year", "govopen_calendar_day", "govopen_grant_download",
                 "govopen_notification", "govopen_request_event", "govopen_request"):
        op.drop_table(name)
