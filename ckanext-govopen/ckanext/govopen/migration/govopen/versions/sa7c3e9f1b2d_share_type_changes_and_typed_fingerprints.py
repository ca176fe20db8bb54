"""sec-access (issue 12): the type change log records share-type changes too
(``field``), and the publication gate's fingerprint includes the resource's declared
type (mimetype and format), so patching the type of a passed file withdraws it.

Existing rows keep their standing: their fingerprint gets the type the resource has
now appended (a row whose file part did not match before still does not).

Revision ID: sa7c3e9f1b2d
Revises: e5f7a9b1c3d6
Create Date: 2026-12-05 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "sa7c3e9f1b2d"
down_revision = "e5f7a9b1c3d6"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("govopen_open_type_change",
                  sa.Column("field", sa.UnicodeText, nullable=False, server_default="open_type"))
    op.execute(
        "UPDATE govopen_publication p SET fingerprint = p.fingerprint || '|type:' "
        "|| lower(trim(coalesce(r.mimetype, ''))) || '|' || lower(trim(coalesce(r.format, ''))) "
        "FROM resource r WHERE r.id = p.resource_id AND p.fingerprint NOT LIKE '%|type:%'")


def downgrade():
    op.execute("UPDATE govopen_publication SET fingerprint = split_part(fingerprint, '|type:', 1)")
    op.execute("DELETE FROM govopen_open_type_change WHERE field <> 'open_type'")
    op.drop_column("govopen_open_type_change", "field")
