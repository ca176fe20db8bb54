"""Objection (异议) to published data: a user says a resource is wrong.

The department corrects the resource or confirms it with an explanation,
within ``kinds.objection.limit`` working days (Chongqing 10, one extension of at
most 15 approved by the department head).
"""
from . import (DEPARTMENT_ADMIN, DEPARTMENT_MEMBER, REQUESTER, ANY_USER, EFFECT_EXTEND,
               ActionSpec, FieldSpec, KindDeclaration, actions, COMMENT, EXTEND_FIELDS)

OPEN = ("submitted", "extended")
DEPT = (DEPARTMENT_MEMBER, DEPARTMENT_ADMIN)

KIND = KindDeclaration(
    name="objection",
    title_zh="数据异议",
    title_en="Objection",
    states=("submitted", "extended", "corrected", "confirmed", "withdrawn"),
    initial="submitted",
    final_states=("corrected", "confirmed", "withdrawn"),
    limit_key="objection",
    submit_roles=(ANY_USER,),
    # description = what is wrong; where (row/column/field) and evidence optional;
    # resource_id optional: a flag may concern the whole dataset (dataset_id).
    submit_fields=(FieldSpec("resource_id", "text", False, "资源"),
                   FieldSpec("description", "text", True, "异议内容"),
                   FieldSpec("dataset_id", "text", False, "数据集"),
                   FieldSpec("where", "text", False, "问题位置"),
                   FieldSpec("evidence", "text", False, "证据"),),
    actions=actions(
        ActionSpec("extend", ("submitted",), "extended", DEPT, EXTEND_FIELDS,
                   effect=EFFECT_EXTEND, label_zh="延期", label_en="Extend"),
        ActionSpec("correct", OPEN, "corrected", DEPT,
                   (FieldSpec("note", "text", True, "更正说明"),
                    FieldSpec("resource_id", "text", True, "更正的资源"), COMMENT),
                   label_zh="更正", label_en="Correct"),
        ActionSpec("confirm", OPEN, "confirmed", DEPT,
                   (FieldSpec("explanation", "text", True, "维持说明"), COMMENT),
                   label_zh="确认无误", label_en="Confirm"),
        ActionSpec("withdraw", OPEN, "withdrawn", (REQUESTER,), (COMMENT,),
                   label_zh="撤回", label_en="Withdraw"),
    ),
)
