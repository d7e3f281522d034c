"""Lambda layers: PublishLayerVersion, GetLayerVersion(ByArn), ListLayers, ListLayerVersions,
DeleteLayerVersion, and the layer version permissions (Add/RemoveLayerVersionPermission,
GetLayerVersionPolicy).

A layer version's zip is checked and stored like function code (code_store.py); its
Content.Location is the same signed download URL as GetFunction's (code_urls.py). Another account
may read a version whose policy grants it (layer_access.py); only the owner manages it.
"""

from __future__ import annotations

import json
import re
import uuid

from stratus.core.context import RequestContext
from stratus.core.ids import partition_for_region
from stratus.protocol.loader import service_model
from stratus.services.lambda_ import checks, code_store, hot_reload, layer_store
from stratus.services.lambda_.code_urls import code_location
from stratus.services.lambda_.common import (
    InvalidParameterValue,
    LambdaError,
    PreconditionFailed,
    ResourceConflict,
    ResourceNotFound,
    ValidationError,
    last_modified,
    validation_message,
)
from stratus.services.lambda_.function_config import DEPRECATED_RUNTIMES
from stratus.services.lambda_.layer_access import (
    NOT_FOUND,
    LayerRef,
    denied,
    layer_ref,
    may_use,
    parse_version_arn,
)
from stratus.services.lambda_.layer_store import LayerVersion
from stratus.store import Database

OFFLOAD_WRITES_ABOVE = 1024 * 1024
DEFAULT_MAX_ITEMS = 50
MAX_POLICY_BYTES = 20 * 1024
GET_LAYER_VERSION = "lambda:GetLayerVersion"
VERSION_TOO_LOW = "Layer Version Cannot be less than 1"
NO_POLICY = "No policy is associated with the given resource."
REVISION_MISMATCH = (
    "The Revision Id provided does not match the latest Revision Id. "
    "Call the GetLayerPolicy API to retrieve the latest Revision Id"
)
# The pattern Lambda names when GetLayerVersionByArn's Arn is not a layer version ARN.
BY_ARN_PATTERN = r"arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+"
# AddLayerVersionPermission's members whose patterns the model states (checked here, in order).
_PERMISSION_PATTERNS = (
    ("StatementId", "statementId", r"([a-zA-Z0-9-_]+)"),
    ("Action", "action", r"lambda:GetLayerVersion"),
    ("Principal", "principal", r"\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root"),
    ("OrganizationId", "organizationId", r"o-[a-z0-9]{10,32}"),
)
# Lambda accepts only the runtimes it still supports as a new layer's CompatibleRuntimes.
SUPPORTED_RUNTIMES = tuple(
    runtime
    for runtime in service_model("lambda").shape_for("Runtime").metadata["enum"]
    if runtime not in DEPRECATED_RUNTIMES
)
NO_REFERENCE_STORAGE = (
    "Stratus stores a copy of every layer archive and does not support S3ObjectStorageMode REFERENCE."
)


class PolicyLengthExceeded(LambdaError):
    code = "PolicyLengthExceededException"
    status = 400


def _version_too_low(number: int) -> None:
    if number < 1:
        raise InvalidParameterValue(VERSION_TOO_LOW)


def _list_text(values: list[str]) -> str:
    return f"[{', '.join(values)}]"


class LayerOperations:
    def db(self) -> Database:  # provided by LambdaProvider
        raise NotImplementedError

    def blobs(self):  # provided by LambdaProvider
        raise NotImplementedError

    # ------------------------------------------------------------------ shapes

    def _version_answer(self, ctx: RequestContext, db: Database, version: LayerVersion) -> dict:
        return {
            "Content": {
                "Location": code_location(ctx, db, version.content_blob_id),
                "CodeSha256": version.code_sha256,
                "CodeSize": version.code_size,
            },
            "LayerArn": version.layer_arn,
            **_list_item(version),
        }

    def _discard_content(self, blob_ids: list[str]) -> None:
        """After the commit that stopped referencing them (blobs.py's ordering rule)."""
        for blob_id in blob_ids:
            self.blobs().delete(blob_id)
            code_store.remove_extracted(self.runtime.state.data_dir, blob_id)  # type: ignore[attr-defined]

    def _owned(self, ctx: RequestContext, ref: LayerRef, action: str, version: int | None = None) -> None:
        """Only the owner manages a layer: another account is denied, whatever its policy says."""
        if ref.account_id != ctx.account_id:
            raise denied(ctx, action, ref.version_arn(version) if version is not None else ref.arn)

    def _managed_version(
        self, ctx: RequestContext, db: Database, layer_name: str, number: int, action: str
    ) -> LayerVersion:
        ref = layer_ref(ctx, layer_name)
        self._owned(ctx, ref, action, number)
        version = layer_store.find_version(db, ref.account_id, ref.region, ref.name, number)
        if version is None:
            raise ResourceNotFound(f"Layer version {ref.version_arn(number)} does not exist.")
        return version

    # ------------------------------------------------------------------ publish

    async def publish_layer_version(self, ctx: RequestContext, req: dict) -> dict:
        ref = layer_ref(ctx, req["LayerName"])
        self._owned(ctx, ref, "lambda:PublishLayerVersion")
        runtimes = req.get("CompatibleRuntimes")
        if runtimes and any(runtime not in SUPPORTED_RUNTIMES for runtime in runtimes):
            raise ValidationError(
                validation_message(
                    _list_text(runtimes),
                    "compatibleRuntimes",
                    f"Member must satisfy enum value set: {_list_text(list(SUPPORTED_RUNTIMES))}",
                )
            )
        source = _content_source(req["Content"])
        body, checked = await checks.code_from(ctx, source, "PublishLayerVersion")
        if isinstance(body, hot_reload.HotReloadSource):
            # Stratus's wording: only function code runs from a local directory.
            raise InvalidParameterValue(
                "Hot reload (S3Bucket hot-reload) is supported for function code, not layers."
            )
        store = self.blobs()
        if len(body) > OFFLOAD_WRITES_ABOVE:
            blob_id = await ctx.offload(code_store.store_zip, store, body)
        else:
            blob_id = code_store.store_zip(store, body)
        config = {key: req[key] for key in layer_store.PUBLISHED_MEMBERS if req.get(key) is not None}
        config.setdefault("Description", "")
        config["unzipped_size"] = checked.unzipped_size
        db = self.db()
        try:
            with db.transaction():
                number = layer_store.allocate_version(db, ref.account_id, ref.region, ref.name)
                version = LayerVersion(
                    account_id=ref.account_id,
                    region=ref.region,
                    name=ref.name,
                    version=number,
                    config=config,
                    content_blob_id=blob_id,
                    code_sha256=checked.sha256,
                    code_size=checked.size,
                    policy_revision_id=None,
                    created_at=ctx.runtime.clock.time(),
                )
                layer_store.insert_version(db, version)
        except BaseException:
            self._discard_content([blob_id])
            raise
        return self._version_answer(ctx, db, version)

    # ------------------------------------------------------------------ reads

    def _readable(self, ctx: RequestContext, db: Database, ref: LayerRef, number: int) -> LayerVersion:
        version = layer_store.find_version(db, ref.account_id, ref.region, ref.name, number)
        if ref.account_id != ctx.account_id and (version is None or not may_use(db, version, ctx.account_id)):
            raise denied(ctx, GET_LAYER_VERSION, ref.version_arn(number))
        if version is None:
            raise ResourceNotFound(NOT_FOUND)
        return version

    def get_layer_version(self, ctx: RequestContext, req: dict) -> dict:
        _version_too_low(req["VersionNumber"])
        db = self.db()
        version = self._readable(ctx, db, layer_ref(ctx, req["LayerName"]), req["VersionNumber"])
        return self._version_answer(ctx, db, version)

    def get_layer_version_by_arn(self, ctx: RequestContext, req: dict) -> dict:
        arn = req["Arn"]
        parsed = parse_version_arn(arn)
        if parsed is None:
            if re.fullmatch(r"arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+", arn):
                raise ResourceNotFound(NOT_FOUND)  # AWS-managed layers: Stratus has none
            raise ValidationError(
                validation_message(
                    arn, "arn", f"Member must satisfy regular expression pattern: {BY_ARN_PATTERN}"
                )
            )
        ref, number = parsed
        db = self.db()
        return self._version_answer(ctx, db, self._readable(ctx, db, ref, number))

    def list_layers(self, ctx: RequestContext, req: dict) -> dict:
        limit = req.get("MaxItems") or DEFAULT_MAX_ITEMS
        runtime, architecture = req.get("CompatibleRuntime"), req.get("CompatibleArchitecture")
        layers: list[dict] = []
        last_name = None
        for version in layer_store.all_versions(
            self.db(), ctx.account_id, ctx.region, req.get("Marker") or ""
        ):
            if version.name == last_name or not _matches(version, runtime, architecture):
                continue  # only a layer's newest matching version is listed
            if len(layers) == limit:
                return {"Layers": layers, "NextMarker": last_name}
            last_name = version.name
            layers.append(
                {
                    "LayerName": version.name,
                    "LayerArn": version.layer_arn,
                    "LatestMatchingVersion": _list_item(version),
                }
            )
        return {"Layers": layers}

    def list_layer_versions(self, ctx: RequestContext, req: dict) -> dict:
        ref = layer_ref(ctx, req["LayerName"])
        self._owned(ctx, ref, "lambda:ListLayerVersions")
        limit = req.get("MaxItems") or DEFAULT_MAX_ITEMS
        runtime, architecture = req.get("CompatibleRuntime"), req.get("CompatibleArchitecture")
        below = _version_marker(req.get("Marker"))
        items: list[dict] = []
        last_version = None
        for version in layer_store.versions_of(self.db(), ref.account_id, ref.region, ref.name, below=below):
            if not _matches(version, runtime, architecture):
                continue
            if len(items) == limit:
                return {"LayerVersions": items, "NextMarker": str(last_version)}
            last_version = version.version
            items.append(_list_item(version))
        return {"LayerVersions": items}

    # ------------------------------------------------------------------ delete

    def delete_layer_version(self, ctx: RequestContext, req: dict) -> dict:
        """Idempotent, as on AWS: deleting a missing version (or layer) answers 204 too."""
        number = req["VersionNumber"]
        _version_too_low(number)
        ref = layer_ref(ctx, req["LayerName"])
        self._owned(ctx, ref, "lambda:DeleteLayerVersion", number)
        db = self.db()
        freed: list[str] = []
        with db.transaction():
            version = layer_store.find_version(db, ref.account_id, ref.region, ref.name, number)
            if version is not None:
                if layer_store.is_named_by_a_function(db, version.arn):
                    layer_store.bury_version(db, version, ctx.runtime.clock.time())
                else:
                    layer_store.delete_version(db, version)
                    freed.append(version.content_blob_id)
            freed += layer_store.collect_tombstones(db)
        self._discard_content(freed)
        return {}

    # ------------------------------------------------------------------ permissions

    def add_layer_version_permission(self, ctx: RequestContext, req: dict) -> dict:
        _check_permission_patterns(req)
        db = self.db()
        with db.transaction():
            version = self._managed_version(
                ctx, db, req["LayerName"], req["VersionNumber"], "lambda:AddLayerVersionPermission"
            )
            statements = layer_store.statements_of(db, version)
            statement_id = req["StatementId"]
            if any(statement.get("Sid") == statement_id for statement in statements):
                raise ResourceConflict(
                    f"The statement id ({statement_id}) provided already exists. "
                    "Please provide a new statement id, or remove the existing statement."
                )
            _check_revision(version, req.get("RevisionId"))
            statement = _statement(version, req)
            policy_size = len(_compact(_policy(statements + [statement])).encode())
            if policy_size > MAX_POLICY_BYTES:
                # Guessed wording: Lambda's message for a function policy over its limit.
                raise PolicyLengthExceeded(
                    f"The final policy size ({policy_size}) is bigger than the limit ({MAX_POLICY_BYTES})."
                )
            revision_id = str(uuid.uuid4())
            layer_store.add_statement(db, version, statement, revision_id)
        return {"Statement": _compact(statement), "RevisionId": revision_id}

    def remove_layer_version_permission(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            version = self._managed_version(
                ctx, db, req["LayerName"], req["VersionNumber"], "lambda:RemoveLayerVersionPermission"
            )
            _check_revision(version, req.get("RevisionId"))
            statement_id = req["StatementId"]
            if not layer_store.remove_statement(db, version, statement_id, str(uuid.uuid4())):
                raise ResourceNotFound(f"Statement {statement_id} is not found in resource policy.")
        return {}

    def get_layer_version_policy(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        version = self._managed_version(
            ctx, db, req["LayerName"], req["VersionNumber"], "lambda:GetLayerVersionPolicy"
        )
        statements = layer_store.statements_of(db, version)
        if not statements:
            raise ResourceNotFound(NO_POLICY)
        return {"Policy": _compact(_policy(statements)), "RevisionId": version.policy_revision_id}


# ---------------------------------------------------------------------------------- helpers


def _list_item(version: LayerVersion) -> dict:
    """A LayerVersionsListItem (GetLayerVersion's answer adds Content and LayerArn)."""
    return {
        "LayerVersionArn": version.arn,
        "Version": version.version,
        "CreatedDate": last_modified(version.created_at),
        **version.members(),
    }


def _matches(version: LayerVersion, runtime: str | None, architecture: str | None) -> bool:
    if runtime and runtime not in (version.config.get("CompatibleRuntimes") or []):
        return False
    return not architecture or architecture in (version.config.get("CompatibleArchitectures") or [])


def _version_marker(marker: str | None) -> int | None:
    """ListLayerVersions' NextMarker is the last version listed; the next page starts below it."""
    if not marker:
        return None
    if not marker.isdigit():
        raise InvalidParameterValue(f"Invalid marker: {marker}")  # guessed wording
    return int(marker)


def _content_source(content: dict) -> dict:
    """The zip's source, for checks.code_from, after the checks particular to a layer's Content."""
    if content.get("S3ObjectStorageMode") == "REFERENCE":
        raise InvalidParameterValue(NO_REFERENCE_STORAGE)
    has_zip = content.get("ZipFile") is not None
    has_s3 = bool(content.get("S3Bucket") or content.get("S3Key") or content.get("S3ObjectVersion"))
    if has_zip and has_s3:
        # Guessed wording (AWS refuses a ZipFile together with an S3 location).
        raise InvalidParameterValue(
            "Please do not provide other LayerVersionContentInput parameters when providing a ZipFile."
        )
    if not has_zip and not (content.get("S3Bucket") and content.get("S3Key")):
        # Guessed wording.
        raise InvalidParameterValue(
            "Please provide a source for the layer content: a ZipFile, or S3Bucket and S3Key."
        )
    return {
        key: content[key] for key in ("ZipFile", "S3Bucket", "S3Key", "S3ObjectVersion") if key in content
    }


def _check_permission_patterns(req: dict) -> None:
    violations = [
        f"Value '{req[member]}' at '{path}' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}"
        for member, path, pattern in _PERMISSION_PATTERNS
        if req.get(member) is not None and not re.fullmatch(pattern, req[member])
    ]
    if violations:
        plural = "s" if len(violations) > 1 else ""
        raise ValidationError(f"{len(violations)} validation error{plural} detected: {'; '.join(violations)}")


def _check_revision(version: LayerVersion, revision_id: str | None) -> None:
    if revision_id is not None and revision_id != version.policy_revision_id:
        raise PreconditionFailed(REVISION_MISMATCH)


def _statement(version: LayerVersion, req: dict) -> dict:
    """The statement as AWS writes it: an account becomes its root ARN; an organization a condition."""
    principal = req["Principal"]
    statement: dict = {"Sid": req["StatementId"], "Effect": "Allow"}
    if principal == "*":
        statement["Principal"] = "*"
    else:
        partition = partition_for_region(version.region)
        root = principal if principal.startswith("arn:") else f"arn:{partition}:iam::{principal}:root"
        statement["Principal"] = {"AWS": root}
    statement["Action"] = req["Action"]
    statement["Resource"] = version.arn
    if req.get("OrganizationId"):
        statement["Condition"] = {"StringEquals": {"aws:PrincipalOrgID": req["OrganizationId"]}}
    return statement


def _policy(statements: list[dict]) -> dict:
    return {"Version": "2012-10-17", "Id": "default", "Statement": statements}


def _compact(document: dict) -> str:
    return json.dumps(document, separators=(",", ":"))
