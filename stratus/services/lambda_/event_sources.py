"""Event source mappings: CreateEventSourceMapping, GetEventSourceMapping, UpdateEventSourceMapping,
DeleteEventSourceMapping, ListEventSourceMappings, and the pollers that feed functions.

Sources polled: SQS queues (standard and FIFO) and DynamoDB streams; other kinds are refused with
an honest 501. The states AWS reports while a mapping changes (Creating, Enabling, Disabling,
Updating, Deleting) are answered by the operation that starts the change; what is stored, and
shown afterwards, is where the change settles (Enabled, Disabled, or gone): here the change is
immediate. Each enabled mapping has one poller on the runtime's scheduler (esm_runner.py).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import TYPE_CHECKING

from stratus.core.context import RequestContext
from stratus.services.lambda_.common import (
    ResourceConflict,
    ResourceNotFound,
    function_arn,
    parse_function_name,
)
from stratus.services.lambda_.esm_runner import PollerControl, PollerRegistry
from stratus.services.lambda_.esm_settings import configuration, new_settings, state_reason, updated_settings
from stratus.services.lambda_.esm_sources import Source, check_exists, parse_source
from stratus.services.lambda_.esm_sqs_poller import SqsPoller
from stratus.services.lambda_.esm_store import (
    DISABLED,
    DYNAMODB,
    ENABLED,
    SQS,
    Mapping,
    delete_mapping,
    enabled_mappings,
    find_duplicate,
    find_in_account,
    find_mapping,
    insert_mapping,
    list_mappings,
    update_mapping,
)
from stratus.services.lambda_.esm_stream_poller import StreamPoller
from stratus.services.lambda_.esm_streams import StreamReader, latest_positions
from stratus.services.lambda_.functions import Resolved, resolve
from stratus.store import Database

if TYPE_CHECKING:
    from stratus.runtime import Runtime

DEFAULT_MAX_ITEMS = 100
NOT_FOUND = "The resource you requested does not exist."
CREATING, ENABLING, DISABLING, UPDATING, DELETING = (
    "Creating",
    "Enabling",
    "Disabling",
    "Updating",
    "Deleting",
)


def duplicate_message(source: Source, function_name: str, existing: str) -> str:
    """AWS's wording differs between SQS and the streams."""
    if source.kind == SQS:
        return (
            f'An event source mapping with SQS arn (" {source.arn} ") and function (" {function_name} ") '
            f"already exists. Please update or delete the existing mapping with UUID {existing}"
        )
    return (
        f'The event source arn (" {source.arn} ") and function (" {function_name} ") provided mapping '
        f"already exists. Please update or delete the existing mapping with UUID {existing}"
    )


def _mapped_function_arn(resolved: Resolved) -> str:
    """The FunctionArn a mapping keeps: qualified when the function was named with a qualifier."""
    if resolved.qualifier:
        return f"{resolved.latest.arn}:{resolved.qualifier}"
    return resolved.latest.arn


def _timeout(resolved: Resolved) -> int:
    return int(resolved.function.config.get("Timeout") or 3)


class EventSourceMappingOperations:
    runtime: Runtime  # provided by Provider

    def db(self) -> Database:  # provided by LambdaProvider
        raise NotImplementedError

    # ------------------------------------------------------------ pollers

    def start_event_sources(self) -> None:
        """Called once by LambdaProvider.__init__: start the pollers of the enabled mappings."""
        self._esm_pollers = PollerRegistry(self.runtime.scheduler, self._run_poller, self._mapping_enabled)
        self._sqs_poller = SqsPoller(self.runtime, self._load_mapping)
        self._stream_poller = StreamPoller(self.runtime, self._load_mapping, self.db)
        # A reset wipes the mappings: their pollers stop at once (not at their next long poll).
        self.runtime.state.on_reset(self._esm_pollers.stop_all)
        for mapping_uuid in enabled_mappings(self.db()):
            self._esm_pollers.ensure(mapping_uuid)

    def _load_mapping(self, mapping_uuid: str) -> Mapping | None:
        return find_mapping(self.db(), mapping_uuid)

    def _mapping_enabled(self, mapping_uuid: str) -> bool:
        mapping = self._load_mapping(mapping_uuid)
        return mapping is not None and mapping.enabled

    async def _run_poller(self, mapping_uuid: str, control: PollerControl) -> None:
        mapping = self._load_mapping(mapping_uuid)
        if mapping is None:
            return
        poller = self._sqs_poller if mapping.kind == SQS else self._stream_poller
        await poller.run(mapping_uuid, control)

    # ------------------------------------------------------------ operations

    async def create_event_source_mapping(self, ctx: RequestContext, req: dict) -> dict:
        source = parse_source(req.get("EventSourceArn"), self_managed=bool(req.get("SelfManagedEventSource")))
        now = ctx.runtime.clock.time()
        settings = new_settings(source, req, now)
        db = self.db()
        resolved = resolve(ctx, db, req["FunctionName"])
        mapped_arn = _mapped_function_arn(resolved)
        await check_exists(ctx.runtime, source, ctx.account_id, ctx.region, mapped_arn, _timeout(resolved))
        self._check_duplicate(ctx, db, source, resolved, mapped_arn)
        position = None
        if source.kind == DYNAMODB and settings["StartingPosition"] == "LATEST":
            reader = StreamReader(ctx.runtime, ctx.account_id, ctx.region, source.arn, mapped_arn)
            position = await latest_positions(reader)
        enabled = req.get("Enabled") is not False
        mapping = Mapping(
            uuid=str(uuid.uuid4()),
            account_id=ctx.account_id,
            region=ctx.region,
            function_arn=mapped_arn,
            event_source_arn=source.arn,
            config=settings,
            state=ENABLED if enabled else DISABLED,
            state_reason=state_reason(source.kind),
            last_modified=now,
            position=position,
        )
        with db.transaction():
            self._check_duplicate(ctx, db, source, resolved, mapped_arn)  # again: we awaited
            insert_mapping(db, mapping)
        if enabled:
            self._esm_pollers.ensure(mapping.uuid)
        return configuration(mapping, ctx.partition, CREATING if enabled else DISABLED)

    def get_event_source_mapping(self, ctx: RequestContext, req: dict) -> dict:
        return configuration(self._find(ctx, req["UUID"]), ctx.partition)

    async def update_event_source_mapping(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        mapping = self._find(ctx, req["UUID"])
        source = parse_source(mapping.event_source_arn)
        settings = updated_settings(mapping, source, req)
        mapped_arn = mapping.function_arn
        if req.get("FunctionName"):
            resolved = resolve(ctx, db, req["FunctionName"])
            mapped_arn = _mapped_function_arn(resolved)
            self._check_duplicate(ctx, db, source, resolved, mapped_arn, other_than=mapping.uuid)
            await check_exists(
                ctx.runtime, source, ctx.account_id, ctx.region, mapped_arn, _timeout(resolved)
            )
        state, shown = mapping.state, UPDATING
        if req.get("Enabled") is not None:
            state = ENABLED if req["Enabled"] else DISABLED
            if state != mapping.state:
                shown = ENABLING if state == ENABLED else DISABLING
        updated = replace(
            mapping,
            function_arn=mapped_arn,
            config=settings,
            state=state,
            last_modified=ctx.runtime.clock.time(),
        )
        with db.transaction():
            if find_mapping(db, mapping.uuid) is None:
                raise ResourceNotFound(NOT_FOUND)
            update_mapping(db, updated)
        if updated.enabled:
            self._esm_pollers.ensure(updated.uuid)  # started, or told to re-read its settings
        else:
            self._esm_pollers.poke(updated.uuid)  # it sees the mapping disabled and ends
        return configuration(updated, ctx.partition, shown)

    def delete_event_source_mapping(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        mapping = self._find(ctx, req["UUID"])
        with db.transaction():
            delete_mapping(db, mapping.uuid)
        self._esm_pollers.stop(mapping.uuid)
        return configuration(mapping, ctx.partition, DELETING)

    def list_event_source_mappings(self, ctx: RequestContext, req: dict) -> dict:
        limit = req.get("MaxItems") or DEFAULT_MAX_ITEMS
        named_arn = None
        if req.get("FunctionName"):
            ref = parse_function_name(req["FunctionName"])
            named_arn = function_arn(
                ctx.partition, ref.region or ctx.region, ref.account_id or ctx.account_id, ref.name
            )
            if ref.qualifier:
                named_arn += f":{ref.qualifier}"
        page = list_mappings(
            self.db(),
            ctx.account_id,
            ctx.region,
            function_arn=named_arn,
            source_arn=req.get("EventSourceArn"),
            after=req.get("Marker") or "",
            limit=limit + 1,
        )
        answer: dict = {"EventSourceMappings": [configuration(m, ctx.partition) for m in page[:limit]]}
        if len(page) > limit:
            answer["NextMarker"] = page[limit - 1].uuid
        return answer

    # ------------------------------------------------------------ helpers

    def _find(self, ctx: RequestContext, mapping_uuid: str) -> Mapping:
        mapping = find_in_account(self.db(), ctx.account_id, ctx.region, mapping_uuid)
        if mapping is None:
            raise ResourceNotFound(NOT_FOUND)
        return mapping

    @staticmethod
    def _check_duplicate(
        ctx: RequestContext,
        db: Database,
        source: Source,
        resolved: Resolved,
        mapped_arn: str,
        other_than: str = "",
    ) -> None:
        existing = find_duplicate(db, ctx.account_id, ctx.region, mapped_arn, source.arn, other_than)
        if existing is not None:
            raise ResourceConflict(duplicate_message(source, resolved.latest.name, existing.uuid))
