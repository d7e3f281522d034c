"""Function URL configurations: CreateFunctionUrlConfig, GetFunctionUrlConfig,
UpdateFunctionUrlConfig, DeleteFunctionUrlConfig, ListFunctionUrlConfigs.

A URL belongs to the unqualified function or to one alias; versions and `$LATEST` are refused as
AWS refuses them (model pattern errors). `FunctionUrl` follows LocalStack's convention so scripts
written for it work unchanged: `http://<url-id>.lambda-url.<region>.localhost.localstack.cloud:<port>/`,
the port being the one Stratus listens on; `<url-id>` is 32 lower-case letters and digits as on AWS.
The requests themselves are served by url_http.py. `InvokeMode` RESPONSE_STREAM is stored and
shown; invocations through such a URL are answered buffered (the whole response at once).
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from urllib.parse import urlsplit

from stratus.core.context import RequestContext
from stratus.services.lambda_.common import (
    InvalidParameterValue,
    ResourceConflict,
    ResourceNotFound,
    ValidationError,
    function_arn,
    parse_function_name,
    validation_message,
)
from stratus.services.lambda_.function_store import Function
from stratus.services.lambda_.functions import find_or_fail
from stratus.services.lambda_.url_cors import checked_cors
from stratus.services.lambda_.url_store import (
    UrlConfig,
    delete_url_config,
    find_url_config,
    insert_url_config,
    list_url_configs,
    new_url_id,
    update_url_config,
)
from stratus.store import Database

URL_HOST_SUFFIX = "localhost.localstack.cloud"
DEFAULT_PORT = 4566
MAX_ITEMS = 50
# The FunctionUrlQualifier pattern, and the older one AWS still names when refusing a version.
QUALIFIER_PATTERN = r"((?!^\d+$)^[0-9a-zA-Z-_]+$)"
VERSION_REFUSAL_PATTERN = r"(^\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))"
_ALIAS = re.compile(QUALIFIER_PATTERN)
FUNCTION_MISSING = "Function does not exist"
RESOURCE_MISSING = "The resource you requested does not exist."
QUALIFIER_MISMATCH = "The derived qualifier from the function name does not match the specified qualifier."
CONFLICT = (
    "Failed to create function url config for [functionArn = {arn}]. "
    "Error message:  FunctionUrlConfig exists for this Lambda function"
)


def url_domain(url_id: str, region: str) -> str:
    return f"{url_id}.lambda-url.{region}.{URL_HOST_SUFFIX}"


def listening_port(endpoint: str) -> int:
    try:
        return urlsplit(endpoint).port or DEFAULT_PORT
    except ValueError:
        return DEFAULT_PORT


def function_url(ctx: RequestContext, url_id: str, region: str) -> str:
    return f"http://{url_domain(url_id, region)}:{listening_port(ctx.runtime.endpoint)}/"


def url_timestamp(epoch: float) -> str:
    """AWS's format for the URL times: `2022-07-07T15:19:41.225854Z`."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _pattern_error(value: str, pattern: str) -> ValidationError:
    return ValidationError(
        validation_message(value, "qualifier", f"Member must satisfy regular expression pattern: {pattern}")
    )


def _qualifier(function_name: str, qualifier: str | None) -> str:
    """'' for the unqualified function, else the alias named by Qualifier or the name's suffix."""
    derived = parse_function_name(function_name).qualifier
    if qualifier is not None and derived is not None and derived != qualifier:
        raise InvalidParameterValue(QUALIFIER_MISMATCH)
    chosen = qualifier if qualifier is not None else derived
    if chosen is None:
        return ""
    if chosen.isdigit():  # a version
        raise _pattern_error(chosen, VERSION_REFUSAL_PATTERN)
    if not _ALIAS.fullmatch(chosen):  # `$LATEST` among others
        raise _pattern_error(chosen, QUALIFIER_PATTERN)
    return chosen


def _function(ctx: RequestContext, db: Database, function_name: str, missing: str) -> Function:
    """The function a FunctionName names (its qualifier aside), or ResourceNotFound with `missing`."""
    ref = parse_function_name(function_name)
    arn = function_arn(ctx.partition, ref.region or ctx.region, ref.account_id or ctx.account_id, ref.name)
    try:
        return find_or_fail(ctx, db, arn)
    except ResourceNotFound:
        raise ResourceNotFound(missing) from None


def _check_alias(ctx: RequestContext, db: Database, function: Function, qualifier: str) -> None:
    if not qualifier:
        return
    try:
        find_or_fail(ctx, db, function.arn, qualifier)
    except ResourceNotFound:
        raise ResourceNotFound(FUNCTION_MISSING) from None


def _qualified_arn(function: Function, qualifier: str) -> str:
    return f"{function.arn}:{qualifier}" if qualifier else function.arn


def _shown(ctx: RequestContext, function: Function, url: UrlConfig, *, last_modified: bool = True) -> dict:
    answer: dict = {
        "FunctionUrl": function_url(ctx, url.url_id, function.region),
        "FunctionArn": _qualified_arn(function, url.qualifier),
        "AuthType": url.auth_type,
    }
    if url.cors is not None:
        answer["Cors"] = url.cors
    answer["CreationTime"] = url_timestamp(url.created_at)
    if last_modified:
        answer["LastModifiedTime"] = url_timestamp(url.last_modified)
    answer["InvokeMode"] = url.invoke_mode
    return answer


class FunctionUrlOperations:
    def db(self) -> Database:  # provided by LambdaProvider
        raise NotImplementedError

    def create_function_url_config(self, ctx: RequestContext, req: dict) -> dict:
        qualifier = _qualifier(req["FunctionName"], req.get("Qualifier"))
        db = self.db()
        function = _function(ctx, db, req["FunctionName"], FUNCTION_MISSING)
        if find_url_config(db, function.function_id, qualifier) is not None:
            raise ResourceConflict(CONFLICT.format(arn=_qualified_arn(function, qualifier)))
        _check_alias(ctx, db, function, qualifier)
        config: dict = {"AuthType": req["AuthType"]}
        cors = checked_cors(req["Cors"]) if req.get("Cors") is not None else None
        if cors is not None:
            config["Cors"] = cors
        config["InvokeMode"] = req.get("InvokeMode") or "BUFFERED"
        now = ctx.runtime.clock.time()
        url = UrlConfig(new_url_id(), function.function_id, qualifier, config, now, now)
        try:
            with db.transaction():
                insert_url_config(db, url)
        except sqlite3.IntegrityError:  # the same URL created meanwhile (or, once in 36^32, the same id)
            raise ResourceConflict(CONFLICT.format(arn=_qualified_arn(function, qualifier))) from None
        return _shown(ctx, function, url, last_modified=False)

    def get_function_url_config(self, ctx: RequestContext, req: dict) -> dict:
        qualifier = _qualifier(req["FunctionName"], req.get("Qualifier"))
        db = self.db()
        function = _function(ctx, db, req["FunctionName"], RESOURCE_MISSING)
        url = find_url_config(db, function.function_id, qualifier)
        if url is None:
            raise ResourceNotFound(RESOURCE_MISSING)
        return _shown(ctx, function, url)

    def update_function_url_config(self, ctx: RequestContext, req: dict) -> dict:
        qualifier = _qualifier(req["FunctionName"], req.get("Qualifier"))
        db = self.db()
        function = _function(ctx, db, req["FunctionName"], FUNCTION_MISSING)
        _check_alias(ctx, db, function, qualifier)
        url = find_url_config(db, function.function_id, qualifier)
        if url is None:
            raise ResourceNotFound(RESOURCE_MISSING)
        config = dict(url.config)
        if req.get("AuthType") is not None:
            config["AuthType"] = req["AuthType"]
        if req.get("Cors") is not None:
            cors = checked_cors(req["Cors"])
            if cors is None:
                config.pop("Cors", None)
            else:
                config["Cors"] = cors
        if req.get("InvokeMode") is not None:
            config["InvokeMode"] = req["InvokeMode"]
        updated = UrlConfig(
            url.url_id, url.function_id, url.qualifier, config, url.created_at, ctx.runtime.clock.time()
        )
        with db.transaction():
            update_url_config(db, updated)
        return _shown(ctx, function, updated)

    def delete_function_url_config(self, ctx: RequestContext, req: dict) -> dict:
        qualifier = _qualifier(req["FunctionName"], req.get("Qualifier"))
        db = self.db()
        function = _function(ctx, db, req["FunctionName"], RESOURCE_MISSING)
        url = find_url_config(db, function.function_id, qualifier)
        if url is None:
            raise ResourceNotFound(RESOURCE_MISSING)
        with db.transaction():
            delete_url_config(db, url.url_id)
        return {}

    def list_function_url_configs(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        function = _function(ctx, db, req["FunctionName"], FUNCTION_MISSING)
        limit = min(req.get("MaxItems") or MAX_ITEMS, MAX_ITEMS)
        page = list_url_configs(db, function.function_id, req.get("Marker") or "", limit + 1)
        answer: dict = {"FunctionUrlConfigs": [_shown(ctx, function, url) for url in page[:limit]]}
        if len(page) > limit:
            answer["NextMarker"] = page[limit - 1].url_id
        return answer
