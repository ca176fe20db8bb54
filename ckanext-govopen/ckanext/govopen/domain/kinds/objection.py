"""Objection (疑义) to published data: a user says a resource is wrong.

The department corrects the resource or confirms it with an explanation,
within ``kinds.objection.limit`` working days (Chongqing 10, one extension of at
most 15 approved by the department head).
"""
from . import (DEPARTMENT_ADMIN, DEPARTMENT_MEMBER, REQUESTER, ANY_USER,
               ActionSpec, FieldSpec, KindDeclaration, actions, EXTENSION_PROPOSED, extension_actions,
               COMMENT)
from ..fields import ID, SHORT  # length limits

OPEN = ("submitted", EXTENSION_PROPOSED, "extended")
DEPT = (DEPARTMENT_MEMBER, DEPARTMENT_ADMIN)


KIND = KindDeclaration(
    name="objection",
    title_zh="数据疑义",
    title_en="Objection",
    states=("submitted", EXTENSION_PROPOSED, "extended", "corrected", "confirmed", "withdrawn"),
    initial="submitted",
    final_states=("corrected", "confirmed", "withdrawn"),
    limit_key="objection",
    submit_roles=(ANY_USER,),
    # description = what is wrong, evidence = why the flagger thinks so (both required,
    # as govopen_objection_create and the form ask: a flag without evidence cannot be
    # verified); where (row/column/field) optional; resource_id optional: a flag may
    # concern the whole dataset (dataset_id).
    submit_fields=(FieldSpec("resource_id", "text", False, "资源", "Resource", max_length=ID),
                   FieldSpec("description", "text", True, "疑义内容", "What is wrong"),
                   FieldSpec("dataset_id", "text", False, "数据集", "Dataset", max_length=ID),
                   FieldSpec("where", "text", False, "问题位置", "Where", max_length=SHORT),
                   FieldSpec("evidence", "text", True, "证据", "Evidence"),),
    actions=actions(
        *extension_actions(("submitted",), "extended", "submitted", DEPT, (DEPARTMENT_ADMIN,)),
        ActionSpec("correct", OPEN, "corrected", DEPT,
                   (FieldSpec("note", "text", True, "更正说明", "Correction note"),
                    FieldSpec("resource_id", "text", True, "更正的资源", "Corrected resource", max_length=ID), COMMENT),
                   label_zh="更正", label_en="Correct"),
        ActionSpec("confirm", OPEN, "confirmed", DEPT,
                   (FieldSpec("explanation", "text", True, "维持说明", "Explanation"), COMMENT),
                   label_zh="确认无误", label_en="Confirm"),
        ActionSpec("withdraw", OPEN, "withdrawn", (REQUESTER,), (COMMENT,),
                   label_zh="撤回", label_en="Withdraw"),
    ),
)
