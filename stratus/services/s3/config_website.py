"""Static website configuration: Put/Get/DeleteBucketWebsite (serving the site is the website route's job)."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.s3.common import InvalidArgument, InvalidRequest, MalformedXML, s3_error
from stratus.services.s3.config_errors import NoSuchWebsiteConfiguration
from stratus.services.s3.config_store import (
    WEBSITE,
    ConfigOperationsBase,
    delete_config,
    read_config,
    write_config,
)
from stratus.store import Database

MAX_ROUTING_RULES = 50
PROTOCOLS = ("http", "https")
BAD_PROTOCOL = "Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically."


def website_configuration(db: Database, bucket: str) -> dict | None:
    return read_config(db, bucket, WEBSITE)


def _check_redirect_code(code: str | None) -> None:
    if code is None:
        return
    if not (code.isdigit() and len(code) == 3 and code.startswith("3") and code != "300"):
        raise s3_error(
            InvalidRequest,
            f"The provided HTTP redirect code ({code}) is not valid. Valid codes are 3XX except 300.",
        )


def _check_routing_rules(rules: list[dict]) -> None:
    if not rules:
        raise s3_error(MalformedXML)
    if len(rules) > MAX_ROUTING_RULES:
        raise s3_error(InvalidRequest, f"The number of routing rules must not exceed {MAX_ROUTING_RULES}.")
    for rule in rules:
        condition = rule.get("Condition")
        if condition is not None and not condition:
            raise s3_error(
                InvalidRequest,
                "Condition cannot be empty. To redirect all requests without a condition, the condition element "
                "shouldn't be present.",
            )
        error_code = (condition or {}).get("HttpErrorCodeReturnedEquals")
        if error_code is not None and not (
            error_code.isdigit() and error_code[:1] in ("4", "5") and len(error_code) == 3
        ):
            raise s3_error(
                InvalidRequest,
                f"The provided HTTP error code ({error_code}) is not valid. Valid codes are 4XX or 5XX.",
            )
        redirect = rule.get("Redirect") or {}
        if "ReplaceKeyPrefixWith" in redirect and "ReplaceKeyWith" in redirect:
            raise s3_error(InvalidRequest, "You can only define ReplaceKeyPrefix or ReplaceKey but not both.")
        if redirect.get("Protocol") is not None and redirect["Protocol"] not in PROTOCOLS:
            raise s3_error(InvalidRequest, BAD_PROTOCOL)
        _check_redirect_code(redirect.get("HttpRedirectCode"))


def check_website_configuration(config: dict) -> dict:
    redirect_all = config.get("RedirectAllRequestsTo")
    if redirect_all is not None:
        if any(config.get(name) is not None for name in ("IndexDocument", "ErrorDocument", "RoutingRules")):
            raise s3_error(
                InvalidArgument,
                "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.",
                ArgumentName="RedirectAllRequestsTo",
                ArgumentValue="not null",
            )
        if not redirect_all.get("HostName"):
            raise s3_error(MalformedXML)
        if redirect_all.get("Protocol") is not None and redirect_all["Protocol"] not in PROTOCOLS:
            raise s3_error(InvalidRequest, BAD_PROTOCOL)
        return {"RedirectAllRequestsTo": redirect_all}
    index = config.get("IndexDocument")
    if index is None:
        raise s3_error(
            InvalidArgument,
            "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty",
            ArgumentName="IndexDocument",
            ArgumentValue="null",
        )
    suffix = index.get("Suffix") or ""
    if not suffix or "/" in suffix:
        raise s3_error(
            InvalidArgument,
            "The IndexDocument Suffix is not well formed",
            ArgumentName="IndexDocument",
            ArgumentValue=suffix or None,
        )
    stored = {"IndexDocument": {"Suffix": suffix}}
    error_document = config.get("ErrorDocument")
    if error_document is not None:
        if not error_document.get("Key"):
            raise s3_error(MalformedXML)
        stored["ErrorDocument"] = {"Key": error_document["Key"]}
    if config.get("RoutingRules") is not None:
        _check_routing_rules(config["RoutingRules"])
        stored["RoutingRules"] = config["RoutingRules"]
    return stored


class WebsiteOperations(ConfigOperationsBase):
    def put_bucket_website(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        stored = check_website_configuration(req["WebsiteConfiguration"])
        db = self.db()
        with db.transaction():
            write_config(db, bucket.name, WEBSITE, stored)
        return {}

    def get_bucket_website(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        stored = website_configuration(self.db(), bucket.name)
        if stored is None:
            raise s3_error(NoSuchWebsiteConfiguration, BucketName=bucket.name)
        return stored

    def delete_bucket_website(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        db = self.db()
        with db.transaction():
            delete_config(db, bucket.name, WEBSITE)
        return {}
