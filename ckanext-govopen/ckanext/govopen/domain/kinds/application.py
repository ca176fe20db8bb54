"""Conditional-data application (有条件开放数据申请) by a citizen or enterprise.

Limit: ``kinds.application`` of the jurisdiction (e.g. Chongqing 15 working days,
one extension of at most 15).  Rejection must give reasons and the legal basis.
"""
from . import (DEPARTMENT_ADMIN, DEPARTMENT_MEMBER, REQUESTER, ANY_USER,
               ActionSpec, FieldSpec, KindDeclaration, actions, EXTENSION_PROPOSED, extension_actions,
               REASONS, LEGAL_BASIS, COMMENT)
from ..fields import ID, CODE, SHORT  # length limits

OPEN = ("submitted", "under_review", EXTENSION_PROPOSED, "extended")
DEPT = (DEPARTMENT_MEMBER, DEPARTMENT_ADMIN)


KIND = KindDeclaration(
    name="application",
    title_zh="有条件开放数据申请",
    title_en="Conditional-data application",
    states=("submitted", "under_review", EXTENSION_PROPOSED, "extended", "approved", "rejected", "withdrawn",
            "suspended", "revoked"),
    initial="submitted",
    # suspended / revoked (issue 17): an approved application whose grant the department
    # suspended or revoked for breach; still decided (the clock stays stopped)
    final_states=("approved", "rejected", "withdrawn", "suspended", "revoked"),
    limit_key="application",
    submit_roles=(ANY_USER,),
    # The portal's form requires scope, period and security measures (checked by the
    # CKAN action's schema); the engine knows them so they are accepted and audited.
    # Identity numbers are never passed here (the event would keep them): the glue
    # stores them apart (see logic/requests_glue.py).
    submit_fields=(FieldSpec("dataset_id", "text", True, "数据集", "Dataset", max_length=ID),
                   FieldSpec("purpose", "text", True, "用途", "Purpose"),
                   FieldSpec("scope", "text", False, "使用范围", "Scope of use"),
                   FieldSpec("period_start", "date", False, "使用期限起", "Period of use from"),
                   FieldSpec("period_end", "date", False, "使用期限止", "Period of use until"),
                   FieldSpec("security_measures", "text", False, "安全保障措施", "Security measures"),
                   FieldSpec("applicant_type", "text", False, "申请人类型", "Applicant type", max_length=CODE),
                   FieldSpec("applicant_name", "text", False, "申请人", "Applicant", max_length=SHORT),
                   FieldSpec("applicant_id_masked", "text", False, "证件号码（脱敏）", "ID number (masked)", max_length=CODE),
                   FieldSpec("contact", "text", False, "联系方式", "Contact", max_length=SHORT),
                   FieldSpec("attachment", "text", False, "附件", "Attachment", max_length=SHORT),),
    actions=actions(
        ActionSpec("start_review", ("submitted",), "under_review", DEPT, (COMMENT,),
                   label_zh="受理", label_en="Start review"),
        *extension_actions(("submitted", "under_review"), "extended", "under_review", DEPT, (DEPARTMENT_ADMIN,)),
        ActionSpec("approve", OPEN, "approved", DEPT,
                   (FieldSpec("conditions", "text", False, "使用条件", "Conditions of use"), COMMENT),
                   label_zh="同意", label_en="Approve"),
        ActionSpec("reject", OPEN, "rejected", DEPT, (REASONS, LEGAL_BASIS, COMMENT),
                   label_zh="不予同意", label_en="Reject"),
        ActionSpec("withdraw", OPEN, "withdrawn", (REQUESTER,), (COMMENT,),
                   label_zh="撤回", label_en="Withdraw"),
        # issue 17: breach of the agreement — the department's head (reviewer) suspends or
        # revokes the grant with reasons; the applicant is notified; logs stay
        ActionSpec("suspend", ("approved",), "suspended", (DEPARTMENT_ADMIN,), (REASONS,),
                   label_zh="暂停授权", label_en="Suspend the grant", after_decision=True),
        ActionSpec("resume", ("suspended",), "approved", (DEPARTMENT_ADMIN,), (COMMENT,),
                   label_zh="恢复授权", label_en="Resume the grant", after_decision=True),
        ActionSpec("revoke", ("approved", "suspended"), "revoked", (DEPARTMENT_ADMIN,), (REASONS,),
                   label_zh="撤销授权", label_en="Revoke the grant", after_decision=True),
    ),
)
