"""PublishVersion, ListVersionsByFunction, and the alias operations (CreateAlias, GetAlias,
UpdateAlias, DeleteAlias, ListAliases)."""

from __future__ import annotations

import uuid
from dataclasses import replace

from stratus.core.context import RequestContext
from stratus.services.lambda_ import function_config
from stratus.services.lambda_.alias_store import Alias, delete_alias, find_alias, list_aliases, put_alias
from stratus.services.lambda_.common import (
    LATEST,
    InvalidParameterValue,
    PreconditionFailed,
    ResourceConflict,
    ResourceNotFound,
)
from stratus.services.lambda_.function_store import (
    Function,
    delete_qualifier_rows,
    find_version,
    list_versions,
)
from stratus.services.lambda_.functions import REVISION_MISMATCH, check_revision, find_latest
from stratus.services.lambda_.publishing import publish_latest
from stratus.services.lambda_.unsupported import refuse_unsupported
from stratus.store import Database

DEFAULT_MAX_ITEMS = 50
# Guessed wordings (marked in the tests): AWS's checks of RoutingConfig.
TOO_MANY_WEIGHTS = "Number of items in AdditionalVersionWeights cannot be greater than 1."
SAME_VERSION = "Invalid function version {version}. Function version {version} is already included in routing configuration."


class VersionOperations:
    def db(self) -> Database:  # provided by LambdaProvider
        raise NotImplementedError

    # ------------------------------------------------------------------ versions

    def publish_version(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            latest = find_latest(ctx, db, req["FunctionName"])
            check_revision(latest, req.get("RevisionId"))
            refuse_unsupported(req)
            expected = req.get("CodeSha256")
            if expected is not None and expected != latest.code_sha256:
                raise InvalidParameterValue(
                    f"CodeSHA256 ({expected}) is different from current CodeSHA256 in $LATEST "
                    f"({latest.code_sha256}). Please try again"
                )
            version = publish_latest(db, latest, req.get("Description"), ctx.runtime.clock.time())
        return function_config.configuration(version)

    def list_versions_by_function(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        latest = find_latest(ctx, db, req["FunctionName"])
        limit = req.get("MaxItems") or DEFAULT_MAX_ITEMS
        marker = req.get("Marker")
        page: list[Function] = []
        if marker is None:
            page.append(latest)
            after = 0
        else:
            after = _marker(marker)
        page += list_versions(db, latest, after, limit + 1 - len(page))
        answer: dict = {"Versions": [function_config.configuration(v, qualified=True) for v in page[:limit]]}
        if len(page) > limit:
            last = page[limit - 1]
            answer["NextMarker"] = "0" if last.is_latest else last.version
        return answer

    # ------------------------------------------------------------------ aliases

    def create_alias(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            latest = find_latest(ctx, db, req["FunctionName"])
            name = req["Name"]
            if find_alias(db, latest.function_id, name) is not None:
                raise ResourceConflict(f"Alias already exists: {latest.arn}:{name}")
            version = req["FunctionVersion"]
            weights = _routing(db, latest, version, req.get("RoutingConfig"))
            alias = Alias(
                latest.function_id, name, version, req.get("Description") or "", weights, str(uuid.uuid4())
            )
            put_alias(db, alias)
        return alias_configuration(latest, alias)

    def get_alias(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        latest = find_latest(ctx, db, req["FunctionName"])
        return alias_configuration(latest, _alias_or_fail(db, latest, req["Name"]))

    def update_alias(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            latest = find_latest(ctx, db, req["FunctionName"])
            alias = _alias_or_fail(db, latest, req["Name"])
            if req.get("RevisionId") is not None and req["RevisionId"] != alias.revision_id:
                raise PreconditionFailed(REVISION_MISMATCH)
            version = req.get("FunctionVersion") or alias.function_version
            weights = alias.additional_weights
            if "RoutingConfig" in req:
                weights = _routing(db, latest, version, req["RoutingConfig"])
            elif "FunctionVersion" in req:
                weights = _routing(db, latest, version, {"AdditionalVersionWeights": weights or {}})
            updated = replace(
                alias,
                function_version=version,
                description=req.get("Description", alias.description),
                additional_weights=weights,
                revision_id=str(uuid.uuid4()),
            )
            put_alias(db, updated)
        return alias_configuration(latest, updated)

    def delete_alias(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            latest = find_latest(ctx, db, req["FunctionName"])
            alias = _alias_or_fail(db, latest, req["Name"])
            delete_alias(db, latest.function_id, alias.name)
            delete_qualifier_rows(db, latest.function_id, alias.name)
        return {}

    def list_aliases(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        latest = find_latest(ctx, db, req["FunctionName"])
        limit = req.get("MaxItems") or DEFAULT_MAX_ITEMS
        wanted = req.get("FunctionVersion")
        found: list[Alias] = []
        after = req.get("Marker") or ""
        while len(found) <= limit:
            batch = list_aliases(db, latest.function_id, after, 100)
            if not batch:
                break
            found += [a for a in batch if wanted is None or a.function_version == wanted]
            after = batch[-1].name
        answer: dict = {"Aliases": [alias_configuration(latest, a) for a in found[:limit]]}
        if len(found) > limit:
            answer["NextMarker"] = found[limit - 1].name
        return answer


def alias_configuration(latest: Function, alias: Alias) -> dict:
    shown: dict = {
        "AliasArn": f"{latest.arn}:{alias.name}",
        "Name": alias.name,
        "FunctionVersion": alias.function_version,
        "Description": alias.description,
    }
    if alias.additional_weights:
        shown["RoutingConfig"] = {"AdditionalVersionWeights": alias.additional_weights}
    shown["RevisionId"] = alias.revision_id
    return shown


def _alias_or_fail(db: Database, latest: Function, name: str) -> Alias:
    alias = find_alias(db, latest.function_id, name)
    if alias is None:
        raise ResourceNotFound(f"Cannot find alias arn: {latest.arn}:{name}")
    return alias


def _routing(db: Database, latest: Function, version: str, routing: dict | None) -> dict[str, float] | None:
    """Check the alias's version and its AdditionalVersionWeights; the weights to store (None: none)."""
    _check_version_exists(db, latest, version)
    weights = dict((routing or {}).get("AdditionalVersionWeights") or {})
    if not weights:
        return None
    if len(weights) > 1:
        raise InvalidParameterValue(TOO_MANY_WEIGHTS)
    if version == LATEST:
        raise InvalidParameterValue(f"{LATEST} is not supported for an alias pointing to more than 1 version")
    for extra in weights:
        if extra == version:
            raise InvalidParameterValue(SAME_VERSION.format(version=extra))
        _check_version_exists(db, latest, extra)
    return {extra: float(weight) for extra, weight in weights.items()}


def _check_version_exists(db: Database, latest: Function, version: str) -> None:
    if version == LATEST:
        return
    if not version.isdigit() or find_version(db, latest, int(version)) is None:
        raise ResourceNotFound(f"Function not found: {latest.arn}:{version}")


def _marker(marker: str) -> int:
    if not marker.isdigit():
        # Guessed wording: Lambda's markers are opaque; a made-up one is refused.
        raise InvalidParameterValue("Invalid Marker.")
    return int(marker)
