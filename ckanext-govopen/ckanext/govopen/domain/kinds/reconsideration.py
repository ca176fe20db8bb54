"""Reconsideration (复核申请) of a refused application, decided by the competent
authority (主管部门, the portal's sysadmin).

Filed within ``reconsideration.filing_period`` working days after the answer;
decided within ``kinds.reconsideration.limit`` working days.  ``direct_open``
orders the department to open the data by ``open_by``.
"""
from . import (REQUESTER, SYSADMIN, ActionSpec, FieldSpec, KindDeclaration, actions, REASONS, COMMENT)
from ..fields import ID  # length limits

OPEN = ("submitted",)


KIND = KindDeclaration(
    name="reconsideration",
    title_zh="复核申请",
    title_en="Reconsideration",
    states=("submitted", "upheld", "directed_open", "withdrawn"),
    initial="submitted",
    final_states=("upheld", "directed_open", "withdrawn"),
    limit_key="reconsideration",
    submit_roles=(REQUESTER,),  # the requester of the refused application (glue checks the link)
    submit_fields=(FieldSpec("original_request_id", "text", True, "原申请", "Original request", max_length=ID),
                   FieldSpec("reasons", "text", True, "复核理由", "Reasons for reconsideration"),),
    actions=actions(
        ActionSpec("uphold", OPEN, "upheld", (SYSADMIN,), (REASONS, COMMENT),
                   label_zh="维持原决定", label_en="Uphold"),
        ActionSpec("direct_open", OPEN, "directed_open", (SYSADMIN,),
                   (FieldSpec("open_by", "date", True, "开放期限", "Open by"), REASONS, COMMENT),
                   label_zh="责令开放", label_en="Direct to open"),
        ActionSpec("withdraw", OPEN, "withdrawn", (REQUESTER,), (COMMENT,),
                   label_zh="撤回", label_en="Withdraw"),
    ),
)
