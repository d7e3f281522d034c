"""A mapping's settings: AWS's checks and defaults per source kind, and the configuration shown.

Settings are kept under their EventSourceMappingConfiguration member names, so what
CreateEventSourceMapping stored is what GetEventSourceMapping shows.
"""

from __future__ import annotations

from datetime import UTC, datetime

from stratus.core.event_patterns import PatternError, parse_pattern
from stratus.services.lambda_.common import InvalidParameterValue
from stratus.services.lambda_.esm_sources import Source, not_implemented
from stratus.services.lambda_.esm_store import DYNAMODB, SQS, Mapping

SQS_BATCH_SIZE = 10
STREAM_BATCH_SIZE = 100
MAX_RECORD_AGE = 604_800
MIN_RECORD_AGE = 60
NO_RECORDS_PROCESSED = "No records processed"
SQS_STATE_REASON = "USER_INITIATED"
STREAM_STATE_REASON = "User action"

INVALID_FILTER = "Invalid filter pattern definition."
WINDOW_REQUIRED = (
    "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
)
FIFO_WINDOW = "Batching window is not supported for FIFO queues"
SQS_STARTING_POSITION = "StartingPosition is not valid for SQS event sources."
TIMESTAMP_ONLY_AT_TIMESTAMP = "Timestamp only valid with StartingPosition AT_TIMESTAMP"
STARTING_POSITION_REQUIRED = (
    "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: "
    "Member must not be null."
)
RECORD_AGE_RANGE = (
    "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)"
)
ON_SUCCESS_UNSUPPORTED = "Unsupported DestinationConfig parameter for given event source mapping type."

# Parameters of one source kind that another refuses, with the name AWS quotes in its message.
_STREAM_ONLY = {
    "ParallelizationFactor": "parallelizationFactor",
    "MaximumRetryAttempts": "maximumRetryAttempts",
    "MaximumRecordAgeInSeconds": "maximumRecordAgeInSeconds",
    "BisectBatchOnFunctionError": "bisectBatchOnFunctionError",
    "DestinationConfig": "destinationConfig",
    "TumblingWindowInSeconds": "tumblingWindowInSeconds",
}
_SQS_ONLY = {"ScalingConfig": "scalingConfig", "ProvisionedPollerConfig": "provisionedPollerConfig"}
_OTHER_SOURCES_ONLY = {
    "Topics": "topics",
    "Queues": "queues",
    "SourceAccessConfigurations": "sourceAccessConfigurations",
    "SelfManagedEventSource": "selfManagedEventSource",
    "AmazonManagedKafkaEventSourceConfig": "amazonManagedKafkaEventSourceConfig",
    "SelfManagedKafkaEventSourceConfig": "selfManagedKafkaEventSourceConfig",
    "DocumentDBEventSourceConfig": "documentDBEventSourceConfig",
}
# Settings stored as given when present, for any kind this module accepts.
_PASSED_THROUGH = ("KMSKeyArn", "MetricsConfig", "LoggingConfig")


def unsupported(name: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Unsupported '{name}' parameter for given event source mapping type.")


def _refuse(req: dict, parameters: dict[str, str]) -> None:
    for member, name in parameters.items():
        if req.get(member) is not None:
            raise unsupported(name)


# ---------------------------------------------------------------- create


def new_settings(source: Source, req: dict, now: float) -> dict:
    """The settings of a new mapping on `source`, with AWS's defaults; AWS's errors for bad input."""
    _refuse(req, _OTHER_SOURCES_ONLY)
    settings: dict = {"_kind": source.kind, "_created": now}
    if source.kind == SQS:
        if req.get("StartingPosition") is not None or req.get("StartingPositionTimestamp") is not None:
            raise InvalidParameterValue(SQS_STARTING_POSITION)
        _refuse(req, _STREAM_ONLY)
        settings.update(BatchSize=SQS_BATCH_SIZE, MaximumBatchingWindowInSeconds=0)
    else:
        _refuse(req, _SQS_ONLY)
        settings.update(
            BatchSize=STREAM_BATCH_SIZE,
            MaximumBatchingWindowInSeconds=0,
            StartingPosition=_starting_position(source, req),
            ParallelizationFactor=1,
            MaximumRecordAgeInSeconds=-1,
            MaximumRetryAttempts=-1,
            BisectBatchOnFunctionError=False,
            TumblingWindowInSeconds=0,
            DestinationConfig={"OnFailure": {}},
            LastProcessingResult=NO_RECORDS_PROCESSED,
        )
    settings["FunctionResponseTypes"] = []
    _apply(settings, source, req)
    if req.get("Tags"):
        settings["_tags"] = dict(req["Tags"])
    return settings


def _starting_position(source: Source, req: dict) -> str:
    position = req.get("StartingPosition")
    if position is None:
        raise InvalidParameterValue(STARTING_POSITION_REQUIRED)
    if position == "AT_TIMESTAMP":  # DynamoDB Streams can only start at either end
        raise InvalidParameterValue(f"Unsupported starting position for arn type: {source.arn}")
    if req.get("StartingPositionTimestamp") is not None:
        raise InvalidParameterValue(TIMESTAMP_ONLY_AT_TIMESTAMP)
    return position


# ---------------------------------------------------------------- update


def updated_settings(mapping: Mapping, source: Source, req: dict) -> dict:
    """The mapping's settings with an UpdateEventSourceMapping applied (checked as on create)."""
    _refuse(req, _OTHER_SOURCES_ONLY)
    _refuse(req, _STREAM_ONLY if source.kind == SQS else _SQS_ONLY)
    settings = dict(mapping.config)
    _apply(settings, source, req)
    return settings


# ---------------------------------------------------------------- shared


def _apply(settings: dict, source: Source, req: dict) -> None:
    """Set what the request gives (create or update) and check the combination."""
    for name in ("BatchSize", "MaximumBatchingWindowInSeconds"):
        if req.get(name) is not None:
            settings[name] = req[name]
    if "FilterCriteria" in req:
        _set_filters(settings, req["FilterCriteria"])
    if req.get("FunctionResponseTypes") is not None:
        settings["FunctionResponseTypes"] = list(req["FunctionResponseTypes"])
    for name in _PASSED_THROUGH:
        if req.get(name) is not None:
            settings[name] = req[name]
    if source.kind == SQS:
        _apply_sqs(settings, source, req)
    else:
        _apply_stream(settings, req)


def _set_filters(settings: dict, criteria: dict | None) -> None:
    filters = (criteria or {}).get("Filters") or []
    for item in filters:
        pattern = item.get("Pattern")
        if not pattern:
            raise InvalidParameterValue(INVALID_FILTER)
        try:
            parse_pattern(pattern)
        except PatternError:
            raise InvalidParameterValue(INVALID_FILTER) from None
    if filters:
        settings["FilterCriteria"] = {"Filters": [{"Pattern": item["Pattern"]} for item in filters]}
    else:  # an empty FilterCriteria removes the filters
        settings.pop("FilterCriteria", None)


def _apply_sqs(settings: dict, source: Source, req: dict) -> None:
    for name in _SQS_ONLY:
        if req.get(name) is not None:
            if req[name]:
                settings[name] = req[name]
            else:
                settings.pop(name, None)
    if settings["BatchSize"] > SQS_BATCH_SIZE and settings["MaximumBatchingWindowInSeconds"] < 1:
        raise InvalidParameterValue(WINDOW_REQUIRED)
    if source.fifo and settings["MaximumBatchingWindowInSeconds"] > 0:
        raise InvalidParameterValue(FIFO_WINDOW)


def _apply_stream(settings: dict, req: dict) -> None:
    age = req.get("MaximumRecordAgeInSeconds")
    if age is not None and age != -1 and not MIN_RECORD_AGE <= age <= MAX_RECORD_AGE:
        raise InvalidParameterValue(RECORD_AGE_RANGE)
    for name in ("ParallelizationFactor", "MaximumRecordAgeInSeconds", "MaximumRetryAttempts"):
        if req.get(name) is not None:
            settings[name] = req[name]
    if req.get("BisectBatchOnFunctionError") is not None:
        settings["BisectBatchOnFunctionError"] = bool(req["BisectBatchOnFunctionError"])
    if req.get("TumblingWindowInSeconds"):
        raise not_implemented("tumbling window (TumblingWindowInSeconds)")
    if req.get("DestinationConfig") is not None:
        settings["DestinationConfig"] = _destination(req["DestinationConfig"])


def _destination(config: dict) -> dict:
    if config.get("OnSuccess"):
        raise InvalidParameterValue(ON_SUCCESS_UNSUPPORTED)
    target = (config.get("OnFailure") or {}).get("Destination")
    if not target:
        return {"OnFailure": {}}
    service = target.split(":")[2] if target.count(":") >= 5 else ""
    if service == "s3":
        raise not_implemented("Amazon S3 on-failure destinations for stream")
    if service not in ("sqs", "sns"):
        # Guessed wording: AWS accepts SQS queues, SNS topics (and S3 buckets) for streams.
        raise InvalidParameterValue(
            f"Unsupported OnFailure destination type for stream event sources: {target}"
        )
    return {"OnFailure": {"Destination": target}}


# ---------------------------------------------------------------- what is shown


def mapping_arn(partition: str, mapping: Mapping) -> str:
    return f"arn:{partition}:lambda:{mapping.region}:{mapping.account_id}:event-source-mapping:{mapping.uuid}"


def configuration(mapping: Mapping, partition: str, state: str | None = None) -> dict:
    """EventSourceMappingConfiguration; `state` overrides the settled state (Creating, Updating ...)."""
    shown: dict = {"UUID": mapping.uuid}
    config = mapping.config
    for name in ("StartingPosition", "BatchSize", "MaximumBatchingWindowInSeconds", "ParallelizationFactor"):
        if name in config:
            shown[name] = config[name]
    shown["EventSourceArn"] = mapping.event_source_arn
    for name in ("FilterCriteria", "KMSKeyArn", "MetricsConfig", "LoggingConfig", "ScalingConfig"):
        if name in config:
            shown[name] = config[name]
    shown["FunctionArn"] = mapping.function_arn
    shown["LastModified"] = datetime.fromtimestamp(mapping.last_modified, UTC)
    if mapping.kind == DYNAMODB:
        shown["LastProcessingResult"] = config.get("LastProcessingResult", NO_RECORDS_PROCESSED)
    shown["State"] = state or mapping.state
    shown["StateTransitionReason"] = mapping.state_reason
    for name in (
        "DestinationConfig",
        "MaximumRecordAgeInSeconds",
        "BisectBatchOnFunctionError",
        "MaximumRetryAttempts",
        "TumblingWindowInSeconds",
        "FunctionResponseTypes",
        "ProvisionedPollerConfig",
    ):
        if name in config:
            shown[name] = config[name]
    shown["EventSourceMappingArn"] = mapping_arn(partition, mapping)
    return shown


def state_reason(kind: str) -> str:
    return SQS_STATE_REASON if kind == SQS else STREAM_STATE_REASON
