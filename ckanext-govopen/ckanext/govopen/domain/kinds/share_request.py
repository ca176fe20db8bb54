"""Share request (共享申请): one department asks another for data.

The requester is the requesting department (any member of it may withdraw).
Limit: ``kinds.share_request`` (Chongqing 10, Huarong 5, Hainan 10 working days).
A refusal must give reasons and the legal basis.
"""
from . import (DEPARTMENT_ADMIN, DEPARTMENT_MEMBER, REQUESTER,
               ActionSpec, FieldSpec, KindDeclaration, actions, EXTENSION_PROPOSED, extension_actions,
               REASONS, LEGAL_BASIS, COMMENT)
from ..fields import ID  # length limits

OPEN = ("submitted", "under_review", EXTENSION_PROPOSED, "extended")
DEPT = (DEPARTMENT_MEMBER, DEPARTMENT_ADMIN)


KIND = KindDeclaration(
    name="share_request",
    title_zh="数据共享申请",
    title_en="Data sharing request",
    states=("submitted", "under_review", EXTENSION_PROPOSED, "extended", "approved", "rejected", "withdrawn"),
    initial="submitted",
    final_states=("approved", "rejected", "withdrawn"),
    limit_key="share_request",
    submit_roles=(REQUESTER,),  # a member of the requesting department
    requester_is_department=True,
    submit_fields=(FieldSpec("dataset_id", "text", True, "数据集", "Dataset", max_length=ID),
                   FieldSpec("purpose", "text", True, "使用用途", "Purpose of use"),
                   FieldSpec("scope", "text", False, "使用范围", "Scope of use"),
                   FieldSpec("legal_basis", "text", False, "履职依据", "Legal basis for the duty"),),
    actions=actions(
        ActionSpec("start_review", ("submitted",), "under_review", DEPT, (COMMENT,),
                   label_zh="受理", label_en="Start review"),
        *extension_actions(("submitted", "under_review"), "extended", "under_review", DEPT, (DEPARTMENT_ADMIN,)),
        ActionSpec("approve", OPEN, "approved", DEPT, (COMMENT,),
                   label_zh="同意共享", label_en="Approve"),
        ActionSpec("reject", OPEN, "rejected", DEPT, (REASONS, LEGAL_BASIS, COMMENT),
                   label_zh="不予共享", label_en="Reject"),
        ActionSpec("withdraw", OPEN, "withdrawn", (REQUESTER,), (COMMENT,),
                   label_zh="撤回", label_en="Withdraw"),
    ),
)
