"""The type change log: who changed a dataset's open type or share type (``field``),
when, old → new, why. (The columns keep their first names: ``old_open_type`` /
``new_open_type`` hold the values of ``field``.)"""
import datetime as dt
import uuid

from sqlalchemy import Column, DateTime, Index, UnicodeText

import ckan.plugins.toolkit as tk


class OpenTypeChange(tk.BaseModel):
    __tablename__ = "govopen_open_type_change"

    id = Column(UnicodeText, primary_key=True, default=lambda: str(uuid.uuid4()))
    package_id = Column(UnicodeText, nullable=False)
    field = Column(UnicodeText, nullable=False, default="open_type", server_default="open_type")
    user_id = Column(UnicodeText, nullable=True)
    created = Column(DateTime, nullable=False, default=dt.datetime.utcnow)
    old_open_type = Column(UnicodeText, nullable=True)
    new_open_type = Column(UnicodeText, nullable=False)
    reason = Column(UnicodeText, nullable=True)

    __table_args__ = (Index("govopen_open_type_change_pkg_idx", "package_id", "created"),)

    def as_dict(self):
        return {"id": self.id, "package_id": self.package_id, "user_id": self.user_id,
                "field": self.field or "open_type",
                "created": self.created.isoformat() if self.created else None,
                "old_open_type": self.old_open_type, "new_open_type": self.new_open_type,
                "reason": self.reason,
                # the values under the field's own name as well
                "old_" + (self.field or "open_type"): self.old_open_type,
                "new_" + (self.field or "open_type"): self.new_open_type}
