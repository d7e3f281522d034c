"""Lookup tables that narrow a request down to candidate services, built from the cheap catalog.

Everything here is derived once from `catalog()` (service metadata only); the full model of a
service is loaded only when a request actually needs its operations (`operations_of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from stratus.protocol.loader import ServiceMeta, catalog, service_model

REST_PROTOCOLS = frozenset({"rest-json", "rest-xml"})
QUERY_PROTOCOLS = frozenset({"query", "ec2"})

# Signing names that botocore's endpoint rules use for some requests instead of the model's
# signing name (S3 Express, Object Lambda, Outposts ARNs; importexport's legacy scope).
EXTRA_SIGNING_NAMES = {
    "s3express": ("s3", "s3control"),
    "s3-object-lambda": ("s3",),
    "s3-outposts": ("s3control", "s3"),
    "IngestionService": ("importexport",),
}

# JSON services whose model carries the `awsQueryCompatible` trait (and lists no query protocol):
# older SDKs still call them with the query protocol. Kept by hand so that routing never loads a
# model just to read a trait; tests check this list against the models.
QUERY_COMPATIBLE_SERVICES = ("sqs",)

# Services whose REST operations moved to a newer namespace with the very same requests: when a
# request matches both equally well, the newer one (chime-sdk-voice) wins.
SUPERSEDED_SERVICES = frozenset({"chime"})

# REST services with operations that carry no SigV4 signature (`authtype: none`) or a bearer token;
# tests check both lists against the models.
UNSIGNED_REST_SERVICES = ("sso", "sso-oidc", "signin")
BEARER_REST_SERVICES = ("codecatalyst", "bedrock", "bedrock-runtime")


@dataclass(frozen=True, slots=True)
class ServiceIndex:
    services: dict[str, ServiceMeta]
    by_target_prefix: dict[str, tuple[str, ...]]
    by_signing_name: dict[str, tuple[str, ...]]
    by_endpoint_prefix: dict[str, tuple[str, ...]]
    by_api_version: dict[str, tuple[str, ...]]


def _group(pairs: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for key, name in pairs:
        grouped.setdefault(key, []).append(name)
    return {key: tuple(names) for key, names in grouped.items()}


@cache
def service_index() -> ServiceIndex:
    services = catalog()
    metas = list(services.values())
    by_signing = _group([(m.signing_name, m.name) for m in metas])
    for signing_name, extra in EXTRA_SIGNING_NAMES.items():
        known = by_signing.get(signing_name, ())
        by_signing[signing_name] = known + tuple(
            name for name in extra if name in services and name not in known
        )
    return ServiceIndex(
        services=services,
        by_target_prefix=_group([(m.target_prefix, m.name) for m in metas if m.target_prefix]),
        by_signing_name=by_signing,
        by_endpoint_prefix=_group([(m.endpoint_prefix, m.name) for m in metas]),
        by_api_version=_group([(m.api_version, m.name) for m in metas]),
    )


@cache
def operations_of(service: str) -> frozenset[str]:
    """The operation names of one service (loads its model on first use)."""
    return frozenset(service_model(service).operation_names)


@cache
def speaks_query(service: str) -> bool:
    """Whether a client may call `service` with the query protocol (Action=...&Version=...)."""
    return (
        bool(QUERY_PROTOCOLS.intersection(catalog()[service].protocols))
        or service in QUERY_COMPATIBLE_SERVICES
    )


def query_protocol_of(service: str) -> str:
    return "ec2" if catalog()[service].protocol == "ec2" else "query"


def speaks_rest(service: str) -> bool:
    return not REST_PROTOCOLS.isdisjoint(catalog()[service].protocols)


def rest_protocol_of(service: str) -> str:
    meta = catalog()[service]
    return (
        meta.protocol
        if meta.protocol in REST_PROTOCOLS
        else next(p for p in meta.protocols if p in REST_PROTOCOLS)
    )


@cache
def unversioned_query_services() -> tuple[str, ...]:
    """Every service that answers Action requests, for the rare Action without Version or signature."""
    services = catalog()
    listed = [name for name, meta in services.items() if QUERY_PROTOCOLS.intersection(meta.protocols)]
    return tuple(listed + [name for name in QUERY_COMPATIBLE_SERVICES if name in services])
