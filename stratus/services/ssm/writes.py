"""PutParameter: create a parameter, or (with Overwrite) add a version to it.

An overwrite that leaves out Type, Description, AllowedPattern, KeyId, DataType or Policies keeps
the parameter's current ones; the value is checked against the (new or kept) AllowedPattern and
the tier's size. A parameter keeps its 100 newest versions: the oldest goes unless it carries a
label. `aws:ec2:image` values are validated asynchronously by AWS, which answers PutParameter with
success and then drops a value that is no AMI id; Stratus does the same at once. SsmProvider
supplies `db`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from stratus.core.context import RequestContext
from stratus.services.ssm import names, policies, secure, tiers
from stratus.services.ssm.common import (
    ADVANCED,
    ALREADY_EXISTS,
    SECURE_STRING,
    STANDARD,
    TEXT,
    InvalidAllowedPatternException,
    Parameter,
    ParameterAlreadyExists,
    ParameterMaxVersionLimitExceeded,
    ParameterPatternMismatchException,
    ParameterVersion,
    ValidationException,
    parameter_arn,
)
from stratus.services.ssm.store import (
    add_version,
    count_in_tier,
    delete_version,
    find_parameter,
    insert_parameter,
    labels_of_version,
    version_span,
)
from stratus.services.ssm.tags import check_tags, write_tags
from stratus.store import Database

MAX_VERSIONS = 100
DATA_TYPES = ("text", "aws:ec2:image", "aws:ssm:integration")
KEY_ID_PATTERN = "^([a-zA-Z0-9:/_-]+)$"
_KEY_ID = re.compile(KEY_ID_PATTERN)
_AMI_ID = re.compile(r"ami-(?:[0-9a-f]{8}|[0-9a-f]{17})")

EMPTY_VALUE = (
    "1 validation error detected: Value at 'value' failed to satisfy constraint: "
    "Member must have length greater than or equal to 1"
)
TAGS_WITH_OVERWRITE = (
    "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please "
    "remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or "
    "RemoveTagsFromResource."
)
TYPE_REQUIRED = "A parameter type is required when you create a parameter."  # guessed
BAD_DATA_TYPE = "The following data type is not supported: {data_type} (Data type names are all lowercase.)"
BAD_PATTERN = "The request doesn't meet the regular expression requirement."  # the API reference's text
PATTERN_MISMATCH = "Parameter value, cannot be validated against allowedPattern: {pattern}"
VERSION_LIMIT = (
    "You attempted to create a new version of {name} by calling the PutParameter API with the overwrite "
    "flag. Version {version}, the oldest version, can't be deleted because it has a label associated with "
    "it. Move the label to another version of the parameter, and try again."
)


@dataclass(frozen=True, slots=True)
class _Request:
    """A PutParameter request whose own members are valid."""

    name: str
    value: str
    overwrite: bool
    type: str | None
    tier: str | None
    tags: list[dict]
    policies: str | None  # normalized JSON; None: not given; "" : given and empty
    has: frozenset[str]  # which optional members the request carries
    req: dict


def _check_request(req: dict) -> _Request:
    name = names.clean(req["Name"])
    names.check_writable_name(name)
    value = req["Value"]
    if value == "":
        raise ValidationException(EMPTY_VALUE)
    tags = req.get("Tags") or []
    if req.get("Overwrite") and tags:
        raise ValidationException(TAGS_WITH_OVERWRITE)
    check_tags(tags)
    key_id = req.get("KeyId")
    if key_id is not None and not _KEY_ID.fullmatch(key_id):
        raise ValidationException(
            f"1 validation error detected: Value '{key_id}' at 'keyId' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {KEY_ID_PATTERN}"
        )
    data_type = req.get("DataType")
    if data_type is not None and data_type not in DATA_TYPES:
        raise ValidationException(BAD_DATA_TYPE.format(data_type=data_type))
    pattern = req.get("AllowedPattern")
    if pattern:
        try:
            re.compile(pattern)
        except re.error:
            raise InvalidAllowedPatternException(BAD_PATTERN) from None
    given_policies = None
    if req.get("Policies") is not None:
        given_policies = policies.stored_text(policies.parse_policies(req["Policies"])) or ""
    return _Request(
        name=name,
        value=value,
        overwrite=bool(req.get("Overwrite")),
        type=req.get("Type"),
        tier=req.get("Tier"),
        tags=tags,
        policies=given_policies,
        has=frozenset(key for key, item in req.items() if item is not None),
        req=req,
    )


def _kept(request: _Request, member: str, current: object) -> object:
    """The request's member if it carries one, else what the parameter has now."""
    return request.req[member] if member in request.has else current


def _next_version(request: _Request, existing: Parameter | None, ctx: RequestContext) -> ParameterVersion:
    """The version the request describes (tier still to be chosen, value still in plaintext)."""
    latest = existing.latest if existing is not None else None
    kind = request.type or (latest.type if latest else None)
    if kind is None:
        raise ValidationException(TYPE_REQUIRED)
    key_id = None
    if kind == SECURE_STRING:
        previous_key = latest.key_id if latest and latest.type == SECURE_STRING else None
        key_id = request.req.get("KeyId") or previous_key or secure.DEFAULT_KEY
    stored_policies = (
        request.policies if request.policies is not None else (latest.policies if latest else None)
    )
    return ParameterVersion(
        name=request.name,
        version=latest.version + 1 if latest else 1,
        type=kind,
        value=request.value,
        tier=latest.tier if latest else STANDARD,
        data_type=request.req.get("DataType") or (latest.data_type if latest else TEXT),
        description=_kept(request, "Description", latest.description if latest else None) or None,
        allowed_pattern=_kept(request, "AllowedPattern", latest.allowed_pattern if latest else None) or None,
        key_id=key_id,
        policies=stored_policies or None,
        modified=ctx.time.timestamp(),
        modified_user=ctx.principal.arn,
    )


def _check_value(version: ParameterVersion) -> None:
    pattern = version.allowed_pattern
    if pattern and re.fullmatch(pattern, version.value) is None:
        raise ParameterPatternMismatchException(PATTERN_MISMATCH.format(pattern=pattern))


def _choose_tier(
    db: Database,
    ctx: RequestContext,
    request: _Request,
    existing: Parameter | None,
    version: ParameterVersion,
) -> str:
    current_tier = existing.latest.tier if existing is not None else None
    has_policies = version.policies is not None
    standard_full = False
    if existing is None and request.tier in (None, STANDARD, tiers.INTELLIGENT):
        standard_full = count_in_tier(db, ctx.account_id, ctx.region, STANDARD) >= tiers.MAX_COUNT[STANDARD]
    tier = tiers.choose_tier(request.tier, current_tier, version.value, has_policies, standard_full)
    tiers.check_fits(tier, version.value, has_policies)
    return tier


def _drop_oldest_version(db: Database, parameter: Parameter) -> None:
    """Make room for a new version once the parameter keeps 100: the oldest goes, unless labelled."""
    kept, oldest = version_span(db, parameter.parameter_id)
    if kept < MAX_VERSIONS:
        return
    if labels_of_version(db, parameter.parameter_id, oldest):
        raise ParameterMaxVersionLimitExceeded(VERSION_LIMIT.format(name=parameter.name, version=oldest))
    delete_version(db, parameter.parameter_id, oldest)


class PutOperations:
    def db(self) -> Database:
        raise NotImplementedError

    async def put_parameter(self, ctx: RequestContext, req: dict) -> dict:
        request = _check_request(req)
        db = self.db()
        existing = find_parameter(db, ctx.account_id, ctx.region, request.name)
        if existing is not None and not request.overwrite:
            raise ParameterAlreadyExists(ALREADY_EXISTS)
        version = _next_version(request, existing, ctx)
        _check_value(version)
        tier = _choose_tier(db, ctx, request, existing, version)
        version = replace(version, tier=tier)
        answer = {"Version": version.version, "Tier": tier}
        if version.data_type == "aws:ec2:image" and not _AMI_ID.fullmatch(version.value):
            return answer  # AWS's asynchronous validation fails: nothing is created or changed
        if version.type == SECURE_STRING:
            arn = parameter_arn(ctx.partition, ctx.region, ctx.account_id, request.name)
            ciphertext = await secure.encrypt(ctx, arn, version.key_id, tier, version.value)
            version = replace(version, value=ciphertext)
        with db.transaction():
            answer["Version"] = self._commit(db, ctx, request, version)
        return answer

    def _commit(self, db: Database, ctx: RequestContext, request: _Request, version: ParameterVersion) -> int:
        """Write the version; the parameter is read again, as another write may have come first."""
        current = find_parameter(db, ctx.account_id, ctx.region, request.name)
        expires_at = policies.expiration_of(version.policies)
        if current is None:
            tiers.check_room(version.tier, count_in_tier(db, ctx.account_id, ctx.region, version.tier))
            version = replace(version, version=1)
            parameter_id = insert_parameter(db, ctx.account_id, ctx.region, version, expires_at)
            if request.tags:
                write_tags(db, parameter_id, request.tags)
            return 1
        if not request.overwrite:
            raise ParameterAlreadyExists(ALREADY_EXISTS)
        if version.tier == ADVANCED and current.latest.tier != ADVANCED:
            tiers.check_room(ADVANCED, count_in_tier(db, ctx.account_id, ctx.region, ADVANCED))
        _drop_oldest_version(db, current)
        version = replace(version, version=current.latest.version + 1)
        add_version(db, current.parameter_id, version, expires_at)
        return version.version
