"""CloudWatch Contributor Insights for DynamoDB: UpdateContributorInsights,
DescribeContributorInsights, ListContributorInsights.

The status and mode are kept per table and per global secondary index. DynamoDB creates CloudWatch
Contributor Insights rules when it is enabled; CloudWatch is not in Stratus, so no rule exists and
`ContributorInsightsRuleList` is empty, as DynamoDB shows it before its rules exist. Changes are
complete at once: Update answers ENABLING/DISABLING as DynamoDB does and Describe then shows
ENABLED/DISABLED.
"""

from __future__ import annotations

from datetime import UTC, datetime

from stratus.core.context import RequestContext
from stratus.services.dynamodb.common import ResourceNotFoundException
from stratus.services.dynamodb.table_store import Table, require_table, save_definition, table_from_row
from stratus.store import Database

ENABLED, DISABLED = "ENABLED", "DISABLED"
DEFAULT_MODE = "ACCESSED_AND_THROTTLED_KEYS"
TABLE_KEY = ""  # the table's own entry; GSIs are keyed by name
MAX_RESULTS = 100


def _insights(table: Table) -> dict[str, dict]:
    return dict(table.definition.get("ContributorInsights") or {})


def _gsi_names(table: Table) -> list[str]:
    return [gsi["IndexName"] for gsi in table.definition.get("GlobalSecondaryIndexes") or ()]


def _require_index(table: Table, index: str | None) -> str:
    if index is None:
        return TABLE_KEY
    if index not in _gsi_names(table):
        # guessed wording, modelled on DynamoDB's other index-not-found messages
        raise ResourceNotFoundException(f"Requested resource not found: Index: {index} not found")
    return index


def _summary(table: Table, key: str, entry: dict | None) -> dict:
    summary: dict = {"TableName": table.name}
    if key:
        summary["IndexName"] = key
    status = (entry or {}).get("Status", DISABLED)
    summary["ContributorInsightsStatus"] = status
    if status == ENABLED:
        summary["ContributorInsightsMode"] = entry["Mode"]  # type: ignore[index]
    return summary


class ContributorInsightsOperations:
    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    def update_contributor_insights(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        table = require_table(ctx, db, req["TableName"], detailed=True)
        key = _require_index(table, req.get("IndexName"))
        insights = _insights(table)
        current = insights.get(key) or {"Status": DISABLED}
        now = ctx.time.timestamp()
        answer: dict = {"TableName": table.name}
        if key:
            answer["IndexName"] = key
        if req["ContributorInsightsAction"] == "ENABLE":
            mode = req.get("ContributorInsightsMode") or DEFAULT_MODE
            unchanged = current["Status"] == ENABLED and current.get("Mode") == mode
            insights[key] = {
                "Status": ENABLED,
                "Mode": mode,
                "UpdatedAt": current["UpdatedAt"] if unchanged else now,
            }
            answer.update(
                ContributorInsightsStatus=ENABLED if unchanged else "ENABLING", ContributorInsightsMode=mode
            )
        else:
            if current.get("Mode"):
                answer["ContributorInsightsMode"] = current["Mode"]  # the mode it had, not the one sent
            was_enabled = current["Status"] == ENABLED
            insights[key] = {
                "Status": DISABLED,
                "UpdatedAt": now if was_enabled else current.get("UpdatedAt"),
            }
            answer["ContributorInsightsStatus"] = "DISABLING" if was_enabled else DISABLED
        with db.transaction():
            save_definition(db, table, {**table.definition, "ContributorInsights": insights})
        return answer

    def describe_contributor_insights(self, ctx: RequestContext, req: dict) -> dict:
        table = require_table(ctx, self.db(), req["TableName"], detailed=True)
        key = _require_index(table, req.get("IndexName"))
        entry = _insights(table).get(key)
        shown = _summary(table, key, entry)
        if shown["ContributorInsightsStatus"] == ENABLED:
            shown["ContributorInsightsRuleList"] = []
        if entry and entry.get("UpdatedAt"):
            shown["LastUpdateDateTime"] = datetime.fromtimestamp(entry["UpdatedAt"], UTC)
        return shown

    def list_contributor_insights(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        limit = max(1, min(req.get("MaxResults") or MAX_RESULTS, MAX_RESULTS))
        if req.get("TableName"):
            table = require_table(ctx, db, req["TableName"], detailed=True)
            insights = _insights(table)
            summaries = [_summary(table, key, insights.get(key)) for key in (TABLE_KEY, *_gsi_names(table))]
        else:
            summaries = []
            rows = db.query(
                "SELECT * FROM ddb_tables WHERE account_id = ? AND region = ? ORDER BY name",
                (ctx.account_id, ctx.region),
            )
            for row in rows:
                table = table_from_row(row)
                insights = _insights(table)
                for key in (TABLE_KEY, *_gsi_names(table)):
                    if (insights.get(key) or {}).get("Status") == ENABLED:
                        summaries.append(_summary(table, key, insights[key]))
        start = int(req["NextToken"]) if str(req.get("NextToken") or "").isdigit() else 0
        result: dict = {"ContributorInsightsSummaries": summaries[start : start + limit]}
        if start + limit < len(summaries):
            result["NextToken"] = str(start + limit)
        return result
