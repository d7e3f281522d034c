"""A request's expressions, ready for the item operations: the condition to check, the update to
apply, the projection to show — whether the request wrote expressions or legacy parameters."""

from __future__ import annotations

from dataclasses import dataclass

from stratus.services.dynamodb import legacy
from stratus.services.dynamodb.expressions import (
    RequestExpressions,
    apply_update,
    evaluate_condition,
    prepare_expressions,
    project,
)

_MEMBERS = {
    "UpdateExpression": "update_expression",
    "ConditionExpression": "condition_expression",
    "KeyConditionExpression": "key_condition_expression",
    "FilterExpression": "filter_expression",
    "ProjectionExpression": "projection_expression",
    "ExpressionAttributeNames": "expression_attribute_names",
    "ExpressionAttributeValues": "expression_attribute_values",
}


@dataclass(frozen=True, slots=True)
class ItemExpressions:
    bound: RequestExpressions

    @classmethod
    def for_request(cls, req: dict, operation: str) -> ItemExpressions:
        members = legacy.expression_members(req, operation)
        return cls(
            prepare_expressions(
                **{_MEMBERS[name]: value for name, value in members.items() if name in _MEMBERS}
            )
        )

    def condition_holds(self, item: dict | None) -> bool:
        condition = self.bound.condition
        return condition is None or evaluate_condition(condition, item)

    def keeps(self, item: dict) -> bool:
        """The FilterExpression of a Query or Scan."""
        return self.bound.filter is None or evaluate_condition(self.bound.filter, item)

    def project(self, item: dict) -> dict:
        projection = self.bound.projection
        return item if projection is None else project(item, projection.paths)

    @property
    def has_projection(self) -> bool:
        return self.bound.projection is not None

    def apply_update(self, item: dict | None, key: dict) -> dict:
        """The item after the UpdateExpression (an UpdateItem without one changes nothing but
        creates the item from its key when it does not exist)."""
        if self.bound.update is None:
            return dict(item) if item is not None else dict(key)
        return apply_update(item, self.bound.update, key=key)

    def updated_part(self, item: dict) -> dict:
        """UPDATED_OLD / UPDATED_NEW: what the update's target paths select of `item`."""
        if self.bound.update is None:
            return {}
        return project(item, self.bound.update.target_paths)
