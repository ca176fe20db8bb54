"""tamper-evident audit trail: govopen_audit (append-only hash chain), its head
row and published anchors (issue 18)

Revision ID: au1c3e5a7b9d
Revises: sa7c3e9f1b2d
Create Date: 2026-12-05 09:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "au1c3e5a7b9d"
down_revision = "sa7c3e9f1b2d"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade():
    op.create_table(
        "govopen_audit",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.UnicodeText, nullable=True),
        sa.Column("event", sa.UnicodeText, nullable=False),
        sa.Column("subject", sa.UnicodeText, nullable=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("prev_hash", sa.UnicodeText, nullable=False),
        sa.Column("hash", sa.UnicodeText, nullable=False),
    )
    op.create_index("govopen_audit_event_idx", "govopen_audit", ["event", "id"])
    op.create_index("govopen_audit_subject_idx", "govopen_audit", ["subject", "id"])
    op.create_table(
        "govopen_audit_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_id", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.UnicodeText, nullable=False),
        sa.Column("base_id", sa.BigInteger, nullable=False),
        sa.Column("base_hash", sa.UnicodeText, nullable=False),
    )
    op.execute("INSERT INTO govopen_audit_head (id, last_id, hash, base_id, base_hash) "
               "VALUES (1, 0, '%s', 0, '%s')" % (GENESIS, GENESIS))
    op.create_table(
        "govopen_audit_anchor",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("last_id", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.UnicodeText, nullable=False),
        sa.Column("created_by", sa.UnicodeText, nullable=True),
        sa.Column("note", sa.UnicodeText, nullable=True),
    )
    # append-only: UPDATE is refused; a DELETE that leaves rows behind is refused
    # unless the transaction set govopen.audit_archive (only `ckan govopen audit
    # archive` does, after exporting the segment). Emptying the whole table (a
    # database reset, as CKAN's test fixtures do) is let through: verification then
    # starts afresh, and the published anchors show that the chain was cut. This
    # stops mistakes, not the database owner: the hash chain and the published
    # anchors are what make tampering visible.
    op.execute("""
CREATE OR REPLACE FUNCTION govopen_audit_no_update() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'govopen_audit is append-only (UPDATE refused)';
END $$ LANGUAGE plpgsql""")
    op.execute("""
CREATE OR REPLACE FUNCTION govopen_audit_no_delete() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('govopen.audit_archive', true), '') = 'on'
     OR NOT EXISTS (SELECT 1 FROM govopen_audit) THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'govopen_audit is append-only (DELETE refused; use ckan govopen audit archive)';
END $$ LANGUAGE plpgsql""")
    op.execute("CREATE TRIGGER govopen_audit_no_update BEFORE UPDATE ON govopen_audit "
               "FOR EACH ROW EXECUTE FUNCTION govopen_audit_no_update()")
    op.execute("CREATE TRIGGER govopen_audit_no_delete AFTER DELETE ON govopen_audit "
               "FOR EACH STATEMENT EXECUTE FUNCTION govopen_audit_no_delete()")


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS govopen_audit_no_delete ON govopen_audit")
    op.execute("DROP TRIGGER IF EXISTS govopen_audit_no_update ON govopen_audit")
    op.execute("DROP FUNCTION IF EXISTS govopen_audit_no_delete()")
    op.execute("DROP FUNCTION IF EXISTS govopen_audit_no_update()")
    op.drop_table("govopen_audit_anchor")
    op.drop_table("govopen_audit_head")
    op.drop_index("govopen_audit_subject_idx", "govopen_audit")
    op.drop_index("govopen_audit_event_idx", "govopen_audit")
    op.drop_table("govopen_audit")
