"""High-demand review (高需求数据开放审查).

Opened by the platform (``system``) when the demand board reaches the
jurisdiction's threshold of distinct requesters within its window.  The
department admin either opens the data or keeps it closed with reasons and the
legal basis.  Limit: ``kinds.high_demand_review``.
"""
from . import (DEPARTMENT_ADMIN, SYSTEM, SYSADMIN, ActionSpec, FieldSpec, KindDeclaration, actions,
               REASONS, LEGAL_BASIS, COMMENT)
from ..fields import ID, CODE  # length limits


KIND = KindDeclaration(
    name="high_demand_review",
    title_zh="高需求数据开放审查",
    title_en="High-demand review",
    states=("pending", "opened", "kept_closed"),
    initial="pending",
    final_states=("opened", "kept_closed"),
    limit_key="high_demand_review",
    submit_roles=(SYSTEM, SYSADMIN),
    # dataset_id: the not_open entry; a demand for data not in the catalog has none
    # (it is routed by the competent authority) and is named by demand_id.
    submit_fields=(FieldSpec("dataset_id", "text", False, "数据集", "Dataset", max_length=ID),
                   FieldSpec("requester_count", "int", True, "申请人数", "Requesters"),
                   FieldSpec("demand_id", "text", False, "数据需求", "Demand", max_length=ID),),
    actions=actions(
        ActionSpec("open", ("pending",), "opened", (DEPARTMENT_ADMIN,),
                   (FieldSpec("open_type", "text", False, "开放类型", "Open type", max_length=CODE),
                    FieldSpec("open_conditions", "text", False, "开放条件", "Open conditions"), COMMENT),
                   label_zh="开放", label_en="Open"),
        ActionSpec("keep_closed", ("pending",), "kept_closed", (DEPARTMENT_ADMIN,),
                   (REASONS, LEGAL_BASIS, COMMENT), label_zh="维持不开放", label_en="Keep closed"),
    ),
)
