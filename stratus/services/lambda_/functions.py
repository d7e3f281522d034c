"""CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions, DeleteFunction,
UpdateFunctionCode, UpdateFunctionConfiguration (the `$LATEST` version; versions come later)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, replace

from stratus.core.context import RequestContext
from stratus.services.lambda_ import checks, code_signing, code_store, function_config, hot_reload
from stratus.services.lambda_.alias_store import Alias, aliases_of_version, find_alias
from stratus.services.lambda_.code_urls import code_location
from stratus.services.lambda_.common import (
    LATEST,
    MAX_NAME_LENGTH,
    InvalidParameterValue,
    PreconditionFailed,
    ResourceConflict,
    ValidationError,
    function_arn,
    not_found,
    parse_function_name,
    validation_message,
)
from stratus.services.lambda_.function_store import (
    Function,
    blob_in_use,
    delete_function,
    delete_version,
    find_function,
    find_version,
    insert_function,
    list_functions,
    put_tags,
    tags_of,
    update_function,
    version_blobs,
)
from stratus.services.lambda_.layer_access import resolve_function_layers
from stratus.services.lambda_.layer_store import collect_tombstones
from stratus.services.lambda_.publishing import publish_latest
from stratus.services.lambda_.unsupported import refuse_unsupported
from stratus.store import Database

OFFLOAD_WRITES_ABOVE = 1024 * 1024
DEFAULT_MAX_ITEMS = 50
REVISION_MISMATCH = (
    "The Revision Id provided does not match the latest Revision Id. "
    "Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
)
# Honest answers for what this slice of Stratus does not do yet.
NO_IMAGES = (
    "Stratus runs functions as local processes and does not support PackageType Image (container images)."
)
QUALIFIER_MISMATCH = "The derived qualifier from the function name does not match the specified qualifier."
# Guessed wording: AWS refuses to change a published version or an alias through these operations.
UNQUALIFIED_ONLY = "Only the unqualified function name or $LATEST may be given for this operation."


@dataclass(frozen=True, slots=True)
class Resolved:
    """What a FunctionName (+ Qualifier) names: the version to show or run, and the alias if any."""

    function: Function  # $LATEST, a published version, or an alias's primary version
    latest: Function
    alias: Alias | None = None
    qualifier: str | None = None  # as given (None: unqualified)


def resolve(ctx: RequestContext, db: Database, function_name: str, qualifier: str | None = None) -> Resolved:
    """Resolve a name, partial ARN or ARN, and a qualifier (version or alias), or raise AWS's errors."""
    ref = parse_function_name(function_name)
    if qualifier is not None and ref.qualifier is not None and qualifier != ref.qualifier:
        raise InvalidParameterValue(QUALIFIER_MISMATCH)
    account_id, region = ref.account_id or ctx.account_id, ref.region or ctx.region
    arn = function_arn(ctx.partition, region, account_id, ref.name)
    qualifier = qualifier or ref.qualifier
    latest = None
    if region == ctx.region:  # another account's function: IAM has checked its resource policy
        latest = find_function(db, account_id, region, ref.name)
    if latest is None:
        raise not_found(arn)
    if qualifier in (None, LATEST):
        return Resolved(latest, latest, None, qualifier)
    if qualifier.isdigit():
        version = find_version(db, latest, int(qualifier))
        if version is None:
            raise not_found(f"{arn}:{qualifier}")
        return Resolved(version, latest, None, qualifier)
    alias = find_alias(db, latest.function_id, qualifier)
    if alias is None:
        raise not_found(f"{arn}:{qualifier}")
    return Resolved(version_of(db, latest, alias.function_version), latest, alias, qualifier)


def version_of(db: Database, latest: Function, version: str) -> Function:
    """`$LATEST` or a published version that is known to exist (an alias points at it)."""
    if version == LATEST:
        return latest
    found = find_version(db, latest, int(version))
    if found is None:
        raise not_found(f"{latest.arn}:{version}")
    return found


def find_or_fail(
    ctx: RequestContext, db: Database, function_name: str, qualifier: str | None = None
) -> Function:
    """The version a FunctionName (+ Qualifier) names (an alias: its primary version), or AWS's
    ResourceNotFoundException."""
    return resolve(ctx, db, function_name, qualifier).function


def find_latest(ctx: RequestContext, db: Database, function_name: str) -> Function:
    """`$LATEST` for operations that change it; a qualified name is refused."""
    resolved = resolve(ctx, db, function_name)
    if resolved.qualifier not in (None, LATEST):
        raise InvalidParameterValue(UNQUALIFIED_ONLY)
    return resolved.latest


def _code_of(ctx: RequestContext, db: Database, function: Function) -> dict:
    """GetFunction's Code: a signed download URL, or the directory a hot-reload function runs from."""
    directory = hot_reload.directory_of(function.code_blob_id)
    if directory is not None:
        return {"RepositoryType": "S3", "Location": f"file://{directory}"}
    return {"RepositoryType": "S3", "Location": code_location(ctx, db, function.code_blob_id)}


def check_revision(function: Function, revision_id: str | None) -> None:
    if revision_id is not None and revision_id != function.revision_id:
        raise PreconditionFailed(REVISION_MISMATCH)


class FunctionOperations:
    def db(self) -> Database:  # provided by LambdaProvider
        raise NotImplementedError

    def blobs(self):  # provided by LambdaProvider
        raise NotImplementedError

    async def _store_code(self, ctx: RequestContext, body: bytes | hot_reload.HotReloadSource) -> str:
        if isinstance(body, hot_reload.HotReloadSource):
            return hot_reload.code_id(body)  # runs from its directory: nothing to store
        store = self.blobs()
        if len(body) > OFFLOAD_WRITES_ABOVE:
            return await ctx.offload(code_store.store_zip, store, body)
        return code_store.store_zip(store, body)

    def _discard_code(self, blob_id: str) -> None:
        """After the commit that stopped referencing it (blobs.py's ordering rule); code that a
        published version (or `$LATEST`) still runs stays."""
        if hot_reload.directory_of(blob_id) is not None or blob_in_use(self.db(), blob_id):
            return
        self.blobs().delete(blob_id)
        code_store.remove_extracted(self.runtime.state.data_dir, blob_id)  # type: ignore[attr-defined]

    def _collect_layer_tombstones(self) -> None:
        """Deleted layer versions stay while a function names them; drop the ones no longer named."""
        db = self.db()
        with db.transaction():
            freed = collect_tombstones(db)
        for blob_id in freed:
            self._discard_code(blob_id)

    # ------------------------------------------------------------------ create

    async def create_function(self, ctx: RequestContext, req: dict) -> dict:
        ref = parse_function_name(req["FunctionName"])
        if len(ref.name) > MAX_NAME_LENGTH:
            raise ValidationError(
                validation_message(
                    req["FunctionName"],
                    "functionName",
                    f"Member must have length less than or equal to {MAX_NAME_LENGTH}",
                )
            )
        if (req.get("PackageType") or "Zip") == "Image":
            raise InvalidParameterValue(NO_IMAGES)
        refuse_unsupported(req)
        config = function_config.new_config(req, ref.name)
        db = self.db()
        if find_function(db, ctx.account_id, ctx.region, ref.name) is not None:
            raise ResourceConflict(f"Function already exist: {ref.name}")
        await checks.check_runtime(ctx, req.get("Runtime"), req.get("Handler"))
        await checks.check_role(ctx, req["Role"])
        code_signing.check_deployment(db, req.get("CodeSigningConfigArn"))
        body, checked = await checks.code_from(ctx, req.get("Code") or {}, "CreateFunction")
        if req.get("Layers"):
            config["Layers"] = resolve_function_layers(
                ctx, db, req["Layers"], function_unzipped_size=checked.unzipped_size
            )
        blob_id = await self._store_code(ctx, body)
        now = ctx.runtime.clock.time()
        function = Function(
            function_id=secrets.token_hex(16),
            account_id=ctx.account_id,
            region=ctx.region,
            name=ref.name,
            arn=function_arn(ctx.partition, ctx.region, ctx.account_id, ref.name),
            config=config,
            code_blob_id=blob_id,
            code_sha256=checked.sha256,
            code_size=checked.size,
            code_unzipped_size=checked.unzipped_size,
            revision_id=str(uuid.uuid4()),
            last_modified=now,
            reserved_concurrency=None,
            created_at=now,
        )
        try:
            with db.transaction():
                # Checked again: another create may have finished while this one awaited.
                if find_function(db, ctx.account_id, ctx.region, ref.name) is not None:
                    raise ResourceConflict(f"Function already exist: {ref.name}")
                insert_function(db, function)
                put_tags(db, function.function_id, req.get("Tags") or {})
                if req.get("CodeSigningConfigArn"):
                    code_signing.attach(db, function.function_id, req["CodeSigningConfigArn"])
                shown = function
                if req.get("Publish"):
                    shown = publish_latest(db, function, None, now)
        except BaseException:
            self._discard_code(blob_id)
            raise
        return function_config.creating(function_config.configuration(shown))

    # ------------------------------------------------------------------ reads

    def get_function(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        function = find_or_fail(ctx, db, req["FunctionName"], req.get("Qualifier"))
        answer: dict = {
            "Configuration": function_config.configuration(function),
            "Code": _code_of(ctx, db, function),
        }
        tags = tags_of(db, function.function_id)
        if tags:
            answer["Tags"] = tags
        if function.reserved_concurrency is not None:
            answer["Concurrency"] = {"ReservedConcurrentExecutions": function.reserved_concurrency}
        return answer

    def get_function_configuration(self, ctx: RequestContext, req: dict) -> dict:
        function = find_or_fail(ctx, self.db(), req["FunctionName"], req.get("Qualifier"))
        return function_config.configuration(function)

    def list_functions(self, ctx: RequestContext, req: dict) -> dict:
        limit = req.get("MaxItems") or DEFAULT_MAX_ITEMS
        after = req.get("Marker") or ""
        page = list_functions(self.db(), ctx.account_id, ctx.region, after, limit + 1)
        answer: dict = {"Functions": [function_config.configuration(f) for f in page[:limit]]}
        if len(page) > limit:
            answer["NextMarker"] = page[limit - 1].name
        return answer

    # ------------------------------------------------------------------ delete

    def delete_function(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        resolved = resolve(ctx, db, req["FunctionName"], req.get("Qualifier"))
        if resolved.qualifier == LATEST:
            raise InvalidParameterValue("$LATEST version cannot be deleted without deleting the function.")
        if resolved.alias is not None:
            # Guessed wording: DeleteFunction takes a version, never an alias (DeleteAlias does that).
            raise InvalidParameterValue(
                "Deletion of aliases is not supported by DeleteFunction; use DeleteAlias."
            )
        function = resolved.function
        if not function.is_latest:
            return self._delete_version(db, function)
        with db.transaction():
            blobs = {function.code_blob_id, *version_blobs(db, function.function_id)}
            delete_function(db, function.function_id)
        for blob_id in blobs:
            self._discard_code(blob_id)
        if function.config.get("Layers"):
            self._collect_layer_tombstones()
        return {}

    def _delete_version(self, db: Database, version: Function) -> dict:
        with db.transaction():
            referencing = aliases_of_version(db, version.function_id, version.version)
            if referencing:
                # Guessed wording (AWS refuses while an alias routes to the version).
                raise ResourceConflict(
                    f"Unable to delete version because the following aliases reference it: {referencing}"
                )
            delete_version(db, version.function_id, int(version.version))
        self._discard_code(version.code_blob_id)
        return {}

    # ------------------------------------------------------------------ updates

    async def update_function_code(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        function = find_latest(ctx, db, req["FunctionName"])
        check_revision(function, req.get("RevisionId"))
        refuse_unsupported(req)
        config = dict(function.config)
        if req.get("Architectures"):
            config["Architectures"] = list(req["Architectures"])
        code_signing.check_deployment(db, code_signing.config_of_function(db, function.function_id))
        body, checked = await checks.code_from(ctx, req, "UpdateFunctionCode")
        candidate = replace(
            function,
            config=config,
            code_sha256=checked.sha256,
            code_size=checked.size,
            code_unzipped_size=checked.unzipped_size,
        )
        if req.get("DryRun"):
            return function_config.configuration(candidate)
        blob_id = await self._store_code(ctx, body)
        updated = replace(
            candidate,
            code_blob_id=blob_id,
            revision_id=str(uuid.uuid4()),
            last_modified=ctx.runtime.clock.time(),
        )
        try:
            with db.transaction():
                current = find_or_fail(ctx, db, function.arn)
                check_revision(current, function.revision_id)  # nobody changed it while we awaited
                update_function(db, updated)
                shown = updated
                if req.get("Publish"):
                    shown = publish_latest(db, updated, None, updated.last_modified)
        except BaseException:
            self._discard_code(blob_id)
            raise
        self._discard_code(function.code_blob_id)
        return function_config.updating(function_config.configuration(shown))

    async def update_function_configuration(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        function = find_latest(ctx, db, req["FunctionName"])
        check_revision(function, req.get("RevisionId"))
        refuse_unsupported(req)
        config = function_config.apply(function.config, req, function.name)
        if "Layers" in req:
            layers = resolve_function_layers(
                ctx, db, req["Layers"], function_unzipped_size=function.code_unzipped_size
            )
            if layers:
                config["Layers"] = layers
            else:
                config.pop("Layers", None)
        if "Runtime" in req or "Handler" in req:
            await checks.check_runtime(ctx, config.get("Runtime"), config.get("Handler"))
        if "Role" in req:
            await checks.check_role(ctx, req["Role"])
        updated = replace(
            function, config=config, revision_id=str(uuid.uuid4()), last_modified=ctx.runtime.clock.time()
        )
        with db.transaction():
            current = find_or_fail(ctx, db, function.arn)
            check_revision(current, function.revision_id)
            update_function(db, updated)
        if "Layers" in req:
            self._collect_layer_tombstones()
        return function_config.updating(function_config.configuration(updated))
