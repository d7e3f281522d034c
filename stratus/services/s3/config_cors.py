"""Bucket CORS configuration: Put/Get/DeleteBucketCors (matching requests is `cors.py`'s job)."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.s3.common import InvalidRequest, MalformedXML, s3_error
from stratus.services.s3.config_errors import NoSuchCORSConfiguration
from stratus.services.s3.config_store import (
    CORS,
    ConfigOperationsBase,
    delete_config,
    read_config,
    write_config,
)
from stratus.store import Database

MAX_RULES = 100
CORS_METHODS = frozenset({"GET", "PUT", "POST", "DELETE", "HEAD"})
_RULE_MEMBERS = ("ID", "AllowedHeaders", "AllowedMethods", "AllowedOrigins", "ExposeHeaders", "MaxAgeSeconds")


def check_cors_rules(rules: list[dict]) -> list[dict]:
    if not rules or len(rules) > MAX_RULES:
        raise s3_error(MalformedXML)
    checked = []
    for rule in rules:
        if not rule.get("AllowedMethods") or not rule.get("AllowedOrigins"):
            raise s3_error(MalformedXML)
        for method in rule["AllowedMethods"]:
            if method not in CORS_METHODS:
                raise s3_error(
                    InvalidRequest,
                    f"Found unsupported HTTP method in CORS config. Unsupported method is {method}",
                )
        for origin in rule["AllowedOrigins"]:
            if origin.count("*") > 1:
                raise s3_error(
                    InvalidRequest, f'AllowedOrigin "{origin}" can not have more than one wildcard.'
                )
        for header in rule.get("AllowedHeaders") or []:
            if header.count("*") > 1:
                raise s3_error(
                    InvalidRequest, f'AllowedHeader "{header}" can not have more than one wildcard.'
                )
        checked.append({name: rule[name] for name in _RULE_MEMBERS if rule.get(name) is not None})
    return checked


def cors_rules(db: Database, bucket: str) -> list[dict]:
    """The bucket's CORS rules in order ([] when CORS is not configured)."""
    return read_config(db, bucket, CORS) or []


class CorsOperations(ConfigOperationsBase):
    def put_bucket_cors(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        rules = check_cors_rules(req["CORSConfiguration"].get("CORSRules") or [])
        db = self.db()
        with db.transaction():
            write_config(db, bucket.name, CORS, rules)
        return {}

    def get_bucket_cors(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        rules = cors_rules(self.db(), bucket.name)
        if not rules:
            raise s3_error(NoSuchCORSConfiguration, BucketName=bucket.name)
        return {"CORSRules": rules}

    def delete_bucket_cors(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        db = self.db()
        with db.transaction():
            delete_config(db, bucket.name, CORS)
        return {}
