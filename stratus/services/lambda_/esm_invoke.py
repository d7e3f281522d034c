"""Running a mapping's function on one batch: a synchronous Invoke through the internal client, as
the Lambda service principal on the function's behalf (DESIGN.md §3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from stratus.services.lambda_.esm_events import event_payload
from stratus.services.lambda_.esm_sources import lambda_client
from stratus.services.lambda_.esm_store import Mapping

if TYPE_CHECKING:
    from stratus.runtime import Runtime

REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures"


@dataclass(frozen=True, slots=True)
class Invocation:
    payload: bytes
    function_error: str | None
    executed_version: str

    @property
    def failed(self) -> bool:
        return self.function_error is not None


async def invoke_batch(runtime: Runtime, mapping: Mapping, records: list[dict]) -> Invocation:
    """Invoke the function with `{"Records": records}`; a ServiceError when it could not run
    (throttled, deleted, ...), which is not a function error."""
    client = lambda_client(runtime, "lambda", mapping.account_id, mapping.region, mapping.event_source_arn)
    answer = await client.invoke(
        FunctionName=mapping.function_arn,
        InvocationType="RequestResponse",
        Payload=event_payload(records),
    )
    payload = answer.get("Payload") or b""
    if not isinstance(payload, bytes | bytearray):
        payload = payload.read()
    return Invocation(bytes(payload), answer.get("FunctionError"), answer.get("ExecutedVersion") or "$LATEST")


def reports_item_failures(mapping: Mapping) -> bool:
    return REPORT_BATCH_ITEM_FAILURES in (mapping.config.get("FunctionResponseTypes") or [])
