"""Conditional-data application (有条件开放数据申请) by a citizen or enterprise.

Limit: ``kinds.application`` of the jurisdiction (e.g. Chongqing 15 working days,
one extension of at most 15).  Rejection must give reasons and the legal basis.
"""
from . import (DEPARTMENT_ADMIN, DEPARTMENT_MEMBER, REQUESTER, ANY_USER, EFFECT_EXTEND,
               ActionSpec, FieldSpec, KindDeclaration, actions,
               REASONS, LEGAL_BASIS, COMMENT, EXTEND_FIELDS)

OPEN = ("submitted", "under_review", "extended")
DEPT = (DEPARTMENT_MEMBER, DEPARTMENT_ADMIN)

KIND = KindDeclaration(
    name="application",
    title_zh="有条件开放数据申请",
    title_en="Conditional-data application",
    states=("submitted", "under_review", "extended", "approved", "rejected", "withdrawn"),
    initial="submitted",
    final_states=("approved", "rejected", "withdrawn"),
    limit_key="application",
    submit_roles=(ANY_USER,),
    # The portal's form requires scope, period and security measures (checked by the
    # CKAN action's schema); the engine knows them so they are accepted and audited.
    # Identity numbers are never passed here (the event would keep them): the glue
    # stores them apart (see logic/requests_glue.py).
    submit_fields=(FieldSpec("dataset_id", "text", True, "数据集"),
                   FieldSpec("purpose", "text", True, "用途"),
                   FieldSpec("scope", "text", False, "使用范围"),
                   FieldSpec("period_start", "date", False, "使用期限起"),
                   FieldSpec("period_end", "date", False, "使用期限止"),
                   FieldSpec("security_measures", "text", False, "安全保障措施"),
                   FieldSpec("applicant_type", "text", False, "申请人类型"),
                   FieldSpec("applicant_name", "text", False, "申请人"),
                   FieldSpec("applicant_id_masked", "text", False, "证件号码（脱敏）"),
                   FieldSpec("contact", "text", False, "联系方式"),
                   FieldSpec("attachment", "text", False, "附件"),),
    actions=actions(
        ActionSpec("start_review", ("submitted",), "under_review", DEPT, (COMMENT,),
                   label_zh="受理", label_en="Start review"),
        ActionSpec("extend", ("submitted", "under_review"), "extended", DEPT, EXTEND_FIELDS,
                   effect=EFFECT_EXTEND, label_zh="延期", label_en="Extend"),
        ActionSpec("approve", OPEN, "approved", DEPT,
                   (FieldSpec("conditions", "text", False, "使用条件"), COMMENT),
                   label_zh="同意", label_en="Approve"),
        ActionSpec("reject", OPEN, "rejected", DEPT, (REASONS, LEGAL_BASIS, COMMENT),
                   label_zh="不予同意", label_en="Reject"),
        ActionSpec("withdraw", OPEN, "withdrawn", (REQUESTER,), (COMMENT,),
                   label_zh="撤回", label_en="Withdraw"),
    ),
)
