"""The configurations a bucket holds several of, each under an Id: inventory, metrics, analytics and
S3 Intelligent-Tiering archive configurations (Put/Get/Delete/List for each).

A Put names the Id twice (query and document) and they must agree; a bucket holds at most 1,000 of
each kind; Delete of an unknown Id is NoSuchConfiguration (not idempotent); List answers 100 per
page, by Id, with an opaque ContinuationToken.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from stratus.core.context import RequestContext
from stratus.protocol.loader import service_model
from stratus.protocol.serializers.rest import HTTP_STATUS_KEY
from stratus.services.s3.common import InvalidArgument, MalformedXML, S3Error, s3_error
from stratus.services.s3.config_errors import (
    IdMismatch,
    InvalidS3DestinationBucket,
    NoSuchConfiguration,
    TooManyConfigurations,
)
from stratus.services.s3.config_store import (
    ANALYTICS,
    INTELLIGENT_TIERING,
    INVENTORY,
    METRICS,
    ConfigOperationsBase,
    count_configs,
    delete_config,
    list_configs,
    read_config,
    write_config,
)

MAX_CONFIGURATIONS = 1000
LIST_PAGE = 100
BUCKET_ARN_PREFIXES = ("arn:aws:s3:::", "arn:aws-cn:s3:::", "arn:aws-us-gov:s3:::")
TIERING_DAYS = {"ARCHIVE_ACCESS": (90, 730), "DEEP_ARCHIVE_ACCESS": (180, 730)}


@cache
def _enum(shape_name: str) -> frozenset[str]:
    return frozenset(service_model("s3").shape_for(shape_name).enum)


def _is_bucket_arn(value: object) -> bool:
    if not isinstance(value, str):
        return False
    prefix = next((p for p in BUCKET_ARN_PREFIXES if value.startswith(p)), None)
    return prefix is not None and bool(value[len(prefix) :]) and "/" not in value[len(prefix) :]


def _check_filter(config_filter: dict | None, predicates: tuple[str, ...]) -> None:
    if config_filter is not None and sum(1 for name in predicates if name in config_filter) > 1:
        raise s3_error(MalformedXML)


def _check_inventory(config: dict) -> None:
    destination = (config.get("Destination") or {}).get("S3BucketDestination") or {}
    if destination.get("Format") not in _enum("InventoryFormat") or not destination.get("Bucket"):
        raise s3_error(MalformedXML)
    if (config.get("Schedule") or {}).get("Frequency") not in _enum("InventoryFrequency"):
        raise s3_error(MalformedXML)
    if config.get("IncludedObjectVersions") not in _enum("InventoryIncludedObjectVersions"):
        raise s3_error(MalformedXML)
    if config.get("IsEnabled") is None:
        raise s3_error(MalformedXML)
    if any(field not in _enum("InventoryOptionalField") for field in config.get("OptionalFields") or []):
        raise s3_error(MalformedXML)


def _inventory_destination(config: dict) -> None:
    if not _is_bucket_arn(config["Destination"]["S3BucketDestination"]["Bucket"]):
        raise s3_error(InvalidS3DestinationBucket)


def _check_metrics(config: dict) -> None:
    _check_filter(config.get("Filter"), ("Prefix", "Tag", "AccessPointArn", "And"))


def _check_analytics(config: dict) -> None:
    _check_filter(config.get("Filter"), ("Prefix", "Tag", "And"))
    analysis = config.get("StorageClassAnalysis")
    if analysis is None:
        raise s3_error(MalformedXML)
    export = analysis.get("DataExport")
    if export is not None:
        destination = (export.get("Destination") or {}).get("S3BucketDestination") or {}
        if export.get("OutputSchemaVersion") != "V_1" or destination.get("Format") != "CSV":
            raise s3_error(MalformedXML)
        if not destination.get("Bucket"):
            raise s3_error(MalformedXML)


def _analytics_destination(config: dict) -> None:
    export = config["StorageClassAnalysis"].get("DataExport")
    if export is not None and not _is_bucket_arn(export["Destination"]["S3BucketDestination"]["Bucket"]):
        raise s3_error(InvalidS3DestinationBucket)


def _check_intelligent_tiering(config: dict) -> None:
    _check_filter(config.get("Filter"), ("Prefix", "Tag", "And"))
    if config.get("Status") not in ("Enabled", "Disabled"):
        raise s3_error(MalformedXML)
    tierings = config.get("Tierings") or []
    if not tierings or any(
        t.get("AccessTier") not in TIERING_DAYS or t.get("Days") is None for t in tierings
    ):
        raise s3_error(MalformedXML)


def _tiering_days(config: dict) -> None:
    tiers = [tiering["AccessTier"] for tiering in config["Tierings"]]
    if len(tiers) != len(set(tiers)):
        raise s3_error(InvalidArgument, "Multiple tierings with the same access tier are not allowed.")
    for tiering in config["Tierings"]:
        low, high = TIERING_DAYS[tiering["AccessTier"]]
        if not low <= tiering["Days"] <= high:
            raise s3_error(
                InvalidArgument,
                f"Days for the {tiering['AccessTier']} access tier must be between {low} and {high}.",
            )


@dataclass(frozen=True, slots=True)
class KeyedKind:
    kind: str
    member: str  # the document's member in Put/Get
    list_member: str  # the list's member in List
    check_structure: Callable[[dict], None]
    check_values: Callable[[dict], None]  # after the Ids were compared, as S3 orders its checks
    mismatch: type[S3Error]  # the error when the query Id and the document Id differ


def _nothing(config: dict) -> None:
    return None


INVENTORY_KIND = KeyedKind(
    INVENTORY,
    "InventoryConfiguration",
    "InventoryConfigurationList",
    _check_inventory,
    _inventory_destination,
    IdMismatch,
)
METRICS_KIND = KeyedKind(
    METRICS, "MetricsConfiguration", "MetricsConfigurationList", _check_metrics, _nothing, IdMismatch
)
ANALYTICS_KIND = KeyedKind(
    ANALYTICS,
    "AnalyticsConfiguration",
    "AnalyticsConfigurationList",
    _check_analytics,
    _analytics_destination,
    MalformedXML,
)
INTELLIGENT_TIERING_KIND = KeyedKind(
    INTELLIGENT_TIERING,
    "IntelligentTieringConfiguration",
    "IntelligentTieringConfigurationList",
    _check_intelligent_tiering,
    _tiering_days,
    MalformedXML,
)


def _encode_token(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode()


def _decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise s3_error(InvalidArgument, "The continuation token provided is incorrect") from None


class IdKeyedConfigOperations(ConfigOperationsBase):
    # ------------------------------------------------------------------ shared

    def _put_keyed(self, ctx: RequestContext, req: dict, spec: KeyedKind) -> dict:
        bucket = self._target(ctx, req)
        config = req[spec.member]
        spec.check_structure(config)
        if config.get("Id") != req["Id"]:
            raise s3_error(spec.mismatch)
        spec.check_values(config)
        db = self.db()
        with db.transaction():
            exists = read_config(db, bucket.name, spec.kind, req["Id"]) is not None
            if not exists and count_configs(db, bucket.name, spec.kind) >= MAX_CONFIGURATIONS:
                raise s3_error(TooManyConfigurations)
            write_config(db, bucket.name, spec.kind, config, req["Id"])
        return {HTTP_STATUS_KEY: 204}

    def _get_keyed(self, ctx: RequestContext, req: dict, spec: KeyedKind) -> dict:
        bucket = self._target(ctx, req)
        config = read_config(self.db(), bucket.name, spec.kind, req["Id"])
        if config is None:
            raise s3_error(NoSuchConfiguration)
        return {spec.member: config}

    def _delete_keyed(self, ctx: RequestContext, req: dict, spec: KeyedKind) -> dict:
        bucket = self._target(ctx, req)
        db = self.db()
        with db.transaction():
            if not delete_config(db, bucket.name, spec.kind, req["Id"]):
                raise s3_error(NoSuchConfiguration)
        return {}

    def _list_keyed(self, ctx: RequestContext, req: dict, spec: KeyedKind) -> dict:
        bucket = self._target(ctx, req)
        token = req.get("ContinuationToken")
        after = _decode_token(token) if token else None
        found = list_configs(self.db(), bucket.name, spec.kind, after, LIST_PAGE + 1)
        page = found[:LIST_PAGE]
        output: dict = {"IsTruncated": len(found) > LIST_PAGE}
        if token:
            output["ContinuationToken"] = token
        if page:
            output[spec.list_member] = [config for _, config in page]
        if len(found) > LIST_PAGE:
            output["NextContinuationToken"] = _encode_token(page[-1][0])
        return output

    # ------------------------------------------------------------------ inventory

    def put_bucket_inventory_configuration(self, ctx: RequestContext, req: dict) -> dict:
        return self._put_keyed(ctx, req, INVENTORY_KIND)

    def get_bucket_inventory_configuration(self, ctx: RequestContext, req: dict) -> dict:
        return self._get_keyed(ctx, req, INVENTORY_KIND)

    def delete_bucket_inventory_configuration(self, ctx: RequestContext, req: dict) -> dict:
        return self._delete_keyed(ctx, req, INVENTORY_KIND)

    def list_bucket_inventory_configurations(self, ctx: RequestContext, req: dict) -> dict:
        return self._list_keyed(ctx, req, INVENTORY_KIND)

    # ------------------------------------------------------------------ metrics

    def put_bucket_metrics_configuration(self, ctx: RequestContext, req: dict) -> dict:
        return self._put_keyed(ctx, req, METRICS_KIND)

    def get_bucket_metrics_configuration(self, ctx: RequestContext, req: dict) -> dict:
        return self._get_keyed(ctx, req, METRICS_KIND)

    def delete_bucket_metrics_configuration(self, ctx: RequestContext, req: dict) -> dict:
        return self._delete_keyed(ctx, req, METRICS_KIND)

    def list_bucket_metrics_configurations(self, ctx: RequestContext, req: dict) -> dict:
        return self._list_keyed(ctx, req, METRICS_KIND)

    # ------------------------------------------------------------------ analytics

    def put_bucket_analytics_configuration(self, ctx: RequestContext, req: dict) -> dict:
        return self._put_keyed(ctx, req, ANALYTICS_KIND)

    def get_bucket_analytics_configuration(self, ctx: RequestContext, req: dict) -> dict:
        return self._get_keyed(ctx, req, ANALYTICS_KIND)

    def delete_bucket_analytics_configuration(self, ctx: RequestContext, req: dict) -> dict:
        return self._delete_keyed(ctx, req, ANALYTICS_KIND)

    def list_bucket_analytics_configurations(self, ctx: RequestContext, req: dict) -> dict:
        return self._list_keyed(ctx, req, ANALYTICS_KIND)

    # ------------------------------------------------------------------ intelligent-tiering

    def put_bucket_intelligent_tiering_configuration(self, ctx: RequestContext, req: dict) -> dict:
        return self._put_keyed(ctx, req, INTELLIGENT_TIERING_KIND)

    def get_bucket_intelligent_tiering_configuration(self, ctx: RequestContext, req: dict) -> dict:
        return self._get_keyed(ctx, req, INTELLIGENT_TIERING_KIND)

    def delete_bucket_intelligent_tiering_configuration(self, ctx: RequestContext, req: dict) -> dict:
        return self._delete_keyed(ctx, req, INTELLIGENT_TIERING_KIND)

    def list_bucket_intelligent_tiering_configurations(self, ctx: RequestContext, req: dict) -> dict:
        return self._list_keyed(ctx, req, INTELLIGENT_TIERING_KIND)
