"""Naming layers and using them: LayerName and layer version ARNs, who may use a layer version
(its owner, or an account its policy grants), and the two helpers functions need:

- `resolve_function_layers(ctx, db, arns)`: CreateFunction / UpdateFunctionConfiguration's checks
  of `Layers`, answering FunctionConfiguration's `Layers` entries;
- `layer_dirs(db, blobs, data_dir, arns)`: each layer version's content extracted to a directory,
  in the function's layer order, for the execution core (blocking: call it through ctx.offload).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from stratus.auth.denial import access_denied
from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.protocol.loader import service_model
from stratus.services.lambda_ import code_store
from stratus.services.lambda_.common import (
    InvalidParameterValue,
    ResourceNotFound,
    ValidationError,
    validation_message,
)
from stratus.services.lambda_.layer_store import LayerVersion, find_version, layer_arn, statements_of
from stratus.store import Database
from stratus.store.blobs import BlobStore

MAX_LAYERS_PER_FUNCTION = 5
LAYER_NAME_PATTERN: str = service_model("lambda").shape_for("LayerName").metadata["pattern"]
LAYER_VERSION_ARN_PATTERN: str = service_model("lambda").shape_for("LayerVersionArn").metadata["pattern"]
_LAYER_NAME = re.compile(LAYER_NAME_PATTERN)
_LAYER_VERSION_ARN = re.compile(LAYER_VERSION_ARN_PATTERN)
_ARN = re.compile(
    r"arn:(?:aws[a-zA-Z-]*)?:lambda:(?P<region>(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):"
    r"(?P<account>\d{12}):layer:(?P<name>[a-zA-Z0-9-_]+)(?::(?P<version>[0-9]+))?"
)
_ROOT = re.compile(r"arn:aws[a-zA-Z-]*:iam::(?P<account>\d{12}):root")
NOT_FOUND = "The resource you requested does not exist."
COMBINED_SIZE_MESSAGE = (
    "Function code combined with layers exceeds the maximum allowed size of {limit} bytes. "
    "The actual size is {size} bytes."
)


@dataclass(frozen=True, slots=True)
class LayerRef:
    """A layer as a request named it: by name (the caller's account and region) or by ARN."""

    account_id: str
    region: str
    name: str

    @property
    def arn(self) -> str:
        return layer_arn(self.region, self.account_id, self.name)

    def version_arn(self, version: int) -> str:
        return f"{self.arn}:{version}"


def layer_ref(ctx: RequestContext, layer_name: str) -> LayerRef:
    """A LayerName member (name or layer ARN); AWS's ValidationException when it is neither."""
    if not _LAYER_NAME.fullmatch(layer_name or ""):
        raise ValidationError(
            validation_message(
                layer_name,
                "layerName",
                f"Member must satisfy regular expression pattern: {LAYER_NAME_PATTERN}",
            )
        )
    match = _ARN.fullmatch(layer_name)
    if match is None:
        return LayerRef(ctx.account_id, ctx.region, layer_name)
    return LayerRef(match["account"], match["region"], match["name"])


def parse_version_arn(arn: str) -> tuple[LayerRef, int] | None:
    """(layer, version) of a layer version ARN of an account; None for any other text."""
    match = _ARN.fullmatch(arn or "")
    if match is None or match["version"] is None:
        return None
    return LayerRef(match["account"], match["region"], match["name"]), int(match["version"])


def denied(ctx: RequestContext, action: str, resource: str) -> ServiceError:
    """What another account gets for a layer its policy does not open to it."""
    return access_denied(
        "lambda",
        f"User: {ctx.principal.arn} is not authorized to perform: {action} on resource: {resource} "
        f"because no resource-based policy allows the {action} action",
    )


def may_use(db: Database, version: LayerVersion, account_id: str) -> bool:
    """Whether `account_id` may use (lambda:GetLayerVersion) this layer version."""
    if version.account_id == account_id:
        return True
    return any(_grants(statement, account_id) for statement in statements_of(db, version))


def _grants(statement: dict, account_id: str) -> bool:
    # A statement limited to an organization (aws:PrincipalOrgID) grants nobody here: Stratus
    # has no AWS Organizations to tell which accounts belong to it.
    if statement.get("Effect") != "Allow" or statement.get("Condition"):
        return False
    principal = statement.get("Principal")
    if principal == "*":
        return True
    given = principal.get("AWS") if isinstance(principal, dict) else None
    match = _ROOT.fullmatch(given or "")
    return given == account_id or (match is not None and match["account"] == account_id)


# ------------------------------------------------------------------------- a function's layers


def _layers_validation(layer_arns: Sequence[str]) -> ValidationError:
    constraints = (
        "Member must satisfy constraint: [Member must have length less than or equal to 2048, "
        "Member must have length greater than or equal to 1, "
        f"Member must satisfy regular expression pattern: {LAYER_VERSION_ARN_PATTERN}, Member must not be null]"
    )
    return ValidationError(validation_message(f"[{', '.join(layer_arns)}]", "layers", constraints))


def resolve_function_layers(
    ctx: RequestContext,
    db: Database,
    layer_arns: Sequence[str],
    *,
    function_unzipped_size: int | None = None,
) -> list[dict]:
    """A function's `Layers` checked as Lambda checks them; FunctionConfiguration's `Layers` entries.

    The function is the caller's, in the request's region. With `function_unzipped_size`, the code
    and its layers together must also fit Lambda's unzipped limit.
    """
    arns = list(layer_arns or [])
    if len(arns) > MAX_LAYERS_PER_FUNCTION:
        raise InvalidParameterValue(f"Cannot reference more than {MAX_LAYERS_PER_FUNCTION} layers.")
    if any(not _LAYER_VERSION_ARN.fullmatch(arn or "") for arn in arns):
        raise _layers_validation(arns)
    entries: list[dict] = []
    first_of_layer: dict[str, str] = {}
    total = function_unzipped_size or 0
    for arn in arns:
        version = _usable_version(ctx, db, arn)
        earlier = first_of_layer.get(version.layer_arn)
        if earlier is not None:
            raise InvalidParameterValue(
                "Two different versions of the same layer are not allowed to be referenced in the same "
                f"function. {earlier} and {arn} are versions of the same layer."
            )
        first_of_layer[version.layer_arn] = arn
        entries.append({"Arn": version.arn, "CodeSize": version.code_size})
        total += version.unzipped_size
    if function_unzipped_size is not None and total > code_store.MAX_UNZIPPED_BYTES:
        raise InvalidParameterValue(
            COMBINED_SIZE_MESSAGE.format(limit=code_store.MAX_UNZIPPED_BYTES, size=total)
        )
    return entries


def _usable_version(ctx: RequestContext, db: Database, arn: str) -> LayerVersion:
    parsed = parse_version_arn(arn)
    if parsed is None:  # an AWS-managed `awslayer` ARN: Stratus has none
        raise InvalidParameterValue(f"Layer version {arn} does not exist.")
    ref, number = parsed
    if ref.account_id == ctx.account_id:
        if ref.region != ctx.region:
            raise InvalidParameterValue(
                "Layers are not in the same region as the function. "
                f"Layers are expected to be in region {ctx.region}."
            )
        version = find_version(db, ref.account_id, ref.region, ref.name, number)
        if version is None:
            raise InvalidParameterValue(f"Layer version {arn} does not exist.")
        return version
    # Another account's layer: whether it is missing or just not shared, the caller learns only
    # that it may not use it.
    version = None
    if ref.region == ctx.region:
        version = find_version(db, ref.account_id, ref.region, ref.name, number)
    if version is None or not may_use(db, version, ctx.account_id):
        raise denied(ctx, "lambda:GetLayerVersion", arn)
    return version


def layer_dirs(db: Database, blobs: BlobStore, data_dir: Path, layer_arns: Sequence[str]) -> tuple[str, ...]:
    """Each layer version's content, extracted (path-safe, modes kept), in the given order.

    Blocking (reads through its own connection, unzips): run it in a worker thread. Versions
    deleted since the function took them still resolve, as on AWS.
    """
    with db.reader() as reader:
        versions = []
        for arn in layer_arns:
            parsed = parse_version_arn(arn)
            version = None
            if parsed is not None:
                ref, number = parsed
                version = find_version(
                    reader, ref.account_id, ref.region, ref.name, number, with_tombstones=True
                )
            if version is None:
                raise ResourceNotFound(f"Layer version {arn} does not exist.")
            versions.append(version)
    return tuple(str(code_store.extracted_code(blobs, data_dir, v.content_blob_id)) for v in versions)
