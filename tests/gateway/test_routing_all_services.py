"""Every operation of every service botocore knows, built by botocore's own client, must route.

Each request is built with dummy values for the required members, captured in a `before-send`
handler (nothing is sent), converted to an `HttpRequest` and routed. The few operations that
cannot be told apart on the wire are listed below, each with its reason, and the listing is
checked in both directions: an unlisted failure fails, and so does a listed pair that routes.
"""

from __future__ import annotations

import datetime
import re
from functools import cache
from urllib.parse import urlsplit

import botocore.session
from botocore.awsrequest import prepare_request_dict
from botocore.config import Config
from botocore.exceptions import MissingDependencyException
from botocore.serialize import create_serializer
from botocore.tokens import FrozenAuthToken

from stratus.gateway.route_index import (
    BEARER_REST_SERVICES,
    QUERY_COMPATIBLE_SERVICES,
    UNSIGNED_REST_SERVICES,
)
from stratus.gateway.routing import Route, RoutingError, route
from stratus.protocol.http import HttpRequest, RequestBody
from stratus.protocol.loader import catalog, service_model

ENDPOINT = "http://localhost:4566"

SEED_SERVICES = [
    "iam",
    "sts",
    "ec2",
    "elb",
    "elbv2",
    "autoscaling",
    "ebs",
    "efs",
    "rds",
    "elasticache",
    "route53",
    "s3",
    "s3control",
    "glacier",
    "athena",
    "cloudfront",
    "ecs",
    "ecr",
    "elasticbeanstalk",
    "codecommit",
    "codebuild",
    "codedeploy",
    "codepipeline",
    "cloudformation",
    "cloudwatch",
    "logs",
    "events",
    "xray",
    "cloudtrail",
    "sqs",
    "sns",
    "kinesis",
    "firehose",
    "lambda",
    "dynamodb",
    "dynamodbstreams",
    "dax",
    "apigateway",
    "apigatewayv2",
    "cognito-idp",
    "cognito-identity",
    "stepfunctions",
    "appsync",
    "kms",
    "secretsmanager",
    "ssm",
    "acm",
]

# Services that AWS serves from one endpoint (same endpoint prefix and signing name) with the same
# wire API: a request for one *is* a request for the other, at AWS too. Routing to the twin's
# operation of the same name and the same wire form (checked below) counts as correct.
WIRE_TWINS = {
    "docdb": "rds",  # DocumentDB's management API is RDS's (rds.<region>.amazonaws.com, Version 2014-10-31)
    "neptune": "rds",  # same for Neptune
    "wisdom": "qconnect",  # Amazon Q in Connect is Wisdom renamed; both answer on wisdom.<region>
    "sms-voice": "pinpoint-sms-voice",  # two models of the one sms-voice.pinpoint API
    "greengrassv2": "greengrass",  # the account-level role and connectivity APIs are shared
}

# A deprecated operation whose request is byte-for-byte that of its replacement: AWS answers it
# with the replacement, and so does Stratus.
DEPRECATED_TWINS = {
    ("s3", "GetBucketLifecycle"): "GetBucketLifecycleConfiguration",
    ("s3", "PutBucketLifecycle"): "PutBucketLifecycleConfiguration",
    ("s3", "GetBucketNotification"): "GetBucketNotificationConfiguration",
    ("s3", "PutBucketNotification"): "PutBucketNotificationConfiguration",
}

_TAGS = "same method and path as the sibling service's tagging operation; only the host tells them apart"
_CHIME = (
    "same request as chime-sdk-voice's (the legacy Chime voice APIs moved there); routes to chime-sdk-voice"
)
_CHIME_TAGS = "all chime-sdk-* services share `/tags?operation=...`; routes to chime-sdk-identity"
_TIMESTREAM = "timestream-query and -write share the target prefix and signing name; only the host differs"

KNOWN_UNROUTABLE = {
    ("bedrock-agent-runtime", "ListTagsForResource"): _TAGS,
    ("bedrock-agent-runtime", "TagResource"): _TAGS,
    ("bedrock-agent-runtime", "UntagResource"): _TAGS,
    ("bedrock-data-automation", "ListTagsForResource"): _TAGS,
    ("bedrock-data-automation", "TagResource"): _TAGS,
    ("bedrock-data-automation", "UntagResource"): _TAGS,
    ("ivs-realtime", "ListTagsForResource"): _TAGS,
    ("ivs-realtime", "TagResource"): _TAGS,
    ("ivs-realtime", "UntagResource"): _TAGS,
    ("lambda-microvms", "ListTags"): _TAGS,
    ("lambda-microvms", "TagResource"): _TAGS,
    ("lambda-microvms", "UntagResource"): _TAGS,
    ("lex-models", "ListTagsForResource"): _TAGS,
    ("lex-models", "TagResource"): _TAGS,
    ("lex-models", "UntagResource"): _TAGS,
    ("lex-models", "StartImport"): "POST /imports/ is also lexv2-models' ListImports; only the host differs",
    (
        "signer-data",
        "GetRevocationStatus",
    ): "same request as signer's GetRevocationStatus; only the host differs",
    ("cloudsearchdomain", "Search"): "botocore rewrites the model's GET with query into a form POST",
    ("chime-sdk-media-pipelines", "ListTagsForResource"): _CHIME_TAGS,
    ("chime-sdk-media-pipelines", "TagResource"): _CHIME_TAGS,
    ("chime-sdk-media-pipelines", "UntagResource"): _CHIME_TAGS,
    ("chime-sdk-meetings", "ListTagsForResource"): _CHIME_TAGS,
    ("chime-sdk-meetings", "TagResource"): _CHIME_TAGS,
    ("chime-sdk-meetings", "UntagResource"): _CHIME_TAGS,
    ("chime-sdk-messaging", "ListTagsForResource"): _CHIME_TAGS,
    ("chime-sdk-messaging", "TagResource"): _CHIME_TAGS,
    ("chime-sdk-messaging", "UntagResource"): _CHIME_TAGS,
    ("chime-sdk-voice", "ListTagsForResource"): _CHIME_TAGS,
    ("chime-sdk-voice", "TagResource"): _CHIME_TAGS,
    ("chime-sdk-voice", "UntagResource"): _CHIME_TAGS,
    ("timestream-write", "DescribeEndpoints"): _TIMESTREAM,
    ("timestream-write", "ListTagsForResource"): _TIMESTREAM,
    ("timestream-write", "TagResource"): _TIMESTREAM,
    ("timestream-write", "UntagResource"): _TIMESTREAM,
    **{
        ("chime", operation): _CHIME
        for operation in [
            "BatchDeletePhoneNumber",
            "BatchUpdatePhoneNumber",
            "CreatePhoneNumberOrder",
            "DeletePhoneNumber",
            "GetGlobalSettings",
            "GetPhoneNumber",
            "GetPhoneNumberOrder",
            "GetPhoneNumberSettings",
            "ListPhoneNumberOrders",
            "ListPhoneNumbers",
            "ListSupportedPhoneNumberCountries",
            "RestorePhoneNumber",
            "SearchAvailablePhoneNumbers",
            "UpdateGlobalSettings",
            "UpdatePhoneNumber",
            "UpdatePhoneNumberSettings",
        ]
    },
}


# --- building requests with botocore ------------------------------------------------------------

GREEDY_VALUE = "dir/sub dir/file~1.txt"
LABEL_VALUE = "lbl a/b"  # a "/" inside a label is sent as %2F and must come back decoded
HOST_LABEL_VALUE = "111122223333"  # members expanded into a host prefix must be valid host labels

# Members whose value botocore's endpoint rules or customizations inspect.
SPECIAL_VALUES = {
    "Bucket": "my-bucket",
    "KvsARN": "arn:aws:cloudfront::123456789012:key-value-store/0123456789abcdef",
    "PredictEndpoint": "http://localhost:4566",
}
# route53's customization strips everything up to the last "/" of a resource id.
NO_SLASH_LABEL_SERVICES = {"route53"}


class _Captured(Exception):
    def __init__(self, request) -> None:
        self.request = request


def _capture(request, **kwargs):
    raise _Captured(request)


class _StaticTokenProvider:
    """A bearer token for the services that use one (codecatalyst)."""

    def load_token(self, **kwargs) -> FrozenAuthToken:
        return FrozenAuthToken("test-token")


@cache
def _session() -> botocore.session.Session:
    session = botocore.session.get_session()
    session.register_component("token_provider", _StaticTokenProvider())
    return session


def make_client(service: str, **config):
    client = _session().create_client(
        service,
        region_name="us-east-1",
        endpoint_url=ENDPOINT,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(parameter_validation=False, retries={"max_attempts": 0}, **config),
    )
    client.meta.events.register_first("before-send", _capture)
    return client


def capture(client, method_name: str, **params) -> HttpRequest:
    """The request `client.<method_name>(**params)` would send."""
    try:
        getattr(client, method_name)(**params)
    except _Captured as captured:
        prepared = captured.request
        return to_http_request(prepared.method, prepared.url, prepared.headers, prepared.body)
    raise AssertionError("the request was sent")


def to_http_request(method: str, url: str, headers, body) -> HttpRequest:
    parts = urlsplit(url)
    lowered = {
        key.lower(): value.decode() if isinstance(value, bytes) else str(value)
        for key, value in headers.items()
    }
    lowered["host"] = parts.netloc
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    return HttpRequest(
        method=method,
        path=parts.path or "/",
        query_string=parts.query,
        headers=lowered,
        body=RequestBody(body or b""),
    )


def dummy_params(operation_model) -> tuple[dict, dict[str, str | None]]:
    """Values for the required members, and the URI labels they should route to (None: any value,
    for numbers and timestamps, whose text form is botocore's business)."""
    shape = operation_model.input_shape
    if shape is None:
        return {}, {}
    template = operation_model.http.get("requestUri", "")
    greedy = {name.rstrip("+") for name in re.findall(r"\{([^}]+\+)\}", template)}
    host_prefix = (operation_model.endpoint or {}).get("hostPrefix", "")
    host_members = set(re.findall(r"\{([^}]+)\}", host_prefix))
    slash_free = operation_model.service_model.service_name in NO_SLASH_LABEL_SERVICES
    params: dict = {}
    labels: dict[str, str | None] = {}
    for name in shape.required_members:
        member = shape.members[name]
        location_name = member.serialization.get("name", name)
        is_label = member.serialization.get("location") == "uri"
        if member.type_name == "string" and not member.enum:
            if name in SPECIAL_VALUES:
                value = SPECIAL_VALUES[name]
            elif name in host_members:
                value = HOST_LABEL_VALUE
            elif is_label:
                value = GREEDY_VALUE if location_name in greedy else LABEL_VALUE
                value = value.replace("/", "+") if slash_free else value
            else:
                value = "x"
        else:
            value = _dummy(member, 1)
        params[name] = value
        if is_label:
            labels[location_name] = value if isinstance(value, str) else None
    return params, labels


def _dummy(shape, depth: int):
    kind = shape.type_name
    if kind == "structure":
        if depth > 6:
            return {}
        names = list(shape.members)[:1] if shape.is_tagged_union else shape.required_members
        return {name: _dummy(shape.members[name], depth + 1) for name in names}
    if kind == "list":
        return [_dummy(shape.member, depth + 1)] if depth < 6 else []
    if kind == "map":
        return {}
    if kind == "string":
        return shape.enum[0] if shape.enum else "x"
    return {
        "integer": 1,
        "long": 1,
        "float": 1.0,
        "double": 1.0,
        "boolean": True,
        "timestamp": datetime.datetime(2020, 1, 1),
        "blob": b"x",
    }.get(kind, "x")


def _serialize_without_client(client, operation_model, params: dict, *, sigv4a: bool = False) -> HttpRequest:
    """For what botocore's client cannot build here: operations it does not expose (bidirectional
    event streams) and SigV4a-signed ones (signing needs awscrt, not installed)."""
    model = client.meta.service_model
    serializer = create_serializer(model.resolved_protocol, include_validation=False)
    serialized = serializer.serialize_to_request(params, operation_model)
    prepare_request_dict(serialized, ENDPOINT)
    headers = dict(serialized["headers"])
    scope = f"20250101/*/{model.signing_name}" if sigv4a else f"20250101/us-east-1/{model.signing_name}"
    scheme = "AWS4-ECDSA-P256-SHA256" if sigv4a else "AWS4-HMAC-SHA256"
    headers["Authorization"] = (
        f"{scheme} Credential=test/{scope}/aws4_request, SignedHeaders=host, Signature=0"
    )
    if sigv4a:
        headers["X-Amz-Region-Set"] = "*"
    return to_http_request(serialized["method"], serialized["url"], headers, serialized["body"])


@cache
def built_requests() -> tuple[tuple[str, str, HttpRequest, dict[str, str | None]], ...]:
    built = []
    for service in _session().get_available_services():
        client = make_client(service)
        model = client.meta.service_model
        method_names = {api: method for method, api in client.meta.method_to_api_mapping.items()}
        for operation in model.operation_names:
            operation_model = model.operation_model(operation)
            params, labels = dummy_params(operation_model)
            if not hasattr(client, method_names.get(operation, "-")):
                request = _serialize_without_client(client, operation_model, params)
            else:
                try:
                    request = capture(client, method_names[operation], **params)
                except MissingDependencyException:
                    request = _serialize_without_client(client, operation_model, params, sigv4a=True)
            built.append((service, operation, request, labels))
    return tuple(built)


# --- judging the routes -------------------------------------------------------------------------


def _same_wire_form(service: str, operation: str, twin_service: str, twin_operation: str) -> bool:
    try:
        mine = service_model(service).operation_model(operation)
        theirs = service_model(twin_service).operation_model(twin_operation)
    except Exception:
        return False
    return (mine.http.get("method"), _template(mine)) == (theirs.http.get("method"), _template(theirs))


def _template(operation_model) -> str:
    """The request URI with label names blanked: `{ThingName}` and `{thingName}` are one wire form."""
    return re.sub(r"\{[^}+]+(\+?)\}", r"{\1}", operation_model.http.get("requestUri", ""))


def _is_twin(service: str, operation: str, routed: Route) -> bool:
    if WIRE_TWINS.get(service) == routed.service and routed.operation == operation:
        metas = catalog()
        same_endpoint = (metas[service].endpoint_prefix, metas[service].signing_name) == (
            metas[routed.service].endpoint_prefix,
            metas[routed.service].signing_name,
        )
        return same_endpoint and _same_wire_form(service, operation, routed.service, operation)
    replacement = DEPRECATED_TWINS.get((service, operation))
    return (
        replacement is not None
        and routed.service == service
        and routed.operation == replacement
        and service_model(service).operation_model(operation).deprecated
        and _same_wire_form(service, operation, service, replacement)
    )


@cache
def routing_outcomes() -> tuple[dict[tuple[str, str], str], frozenset[tuple[str, str]]]:
    """The pairs that do not route correctly (with what went wrong), and those routed to a twin."""
    failures: dict[tuple[str, str], str] = {}
    twins: set[tuple[str, str]] = set()
    for service, operation, request, labels in built_requests():
        try:
            routed = route(request)
        except RoutingError as error:
            failures[(service, operation)] = f"{error.code}: {error.message}"
            continue
        if (routed.service, routed.operation) != (service, operation):
            if _is_twin(service, operation, routed):
                twins.add((service, operation))
            else:
                failures[(service, operation)] = f"routed to {routed.service}.{routed.operation}"
            continue
        if not _labels_match(routed.uri_params, labels):
            failures[(service, operation)] = f"uri_params {routed.uri_params} != {labels}"
    return failures, frozenset(twins)


def routing_failures() -> dict[tuple[str, str], str]:
    return routing_outcomes()[0]


def _labels_match(found: dict[str, str], expected: dict[str, str | None]) -> bool:
    if found.keys() != expected.keys():
        return False
    return all(value is None or found[name] == value for name, value in expected.items())


def test_every_operation_of_every_service_routes() -> None:
    failures = routing_failures()
    total = len(built_requests())
    share = (total - len(failures)) / total
    twins = len(routing_outcomes()[1])
    print(
        f"\nrouted correctly: {total - len(failures)}/{total} = {share:.2%}; {twins} of them to a wire twin"
    )
    unlisted = {pair: why for pair, why in failures.items() if pair not in KNOWN_UNROUTABLE}
    assert not unlisted, f"{len(unlisted)} unlisted failures: {sorted(unlisted.items())[:40]}"
    assert share >= 0.99


def test_seed_services_route_fully() -> None:
    failures = routing_failures()
    seed_failures = {pair: why for pair, why in failures.items() if pair[0] in SEED_SERVICES}
    assert not seed_failures
    assert not [pair for pair in KNOWN_UNROUTABLE if pair[0] in SEED_SERVICES]


def test_known_unroutable_list_is_honest() -> None:
    failures = routing_failures()
    routed_after_all = sorted(pair for pair in KNOWN_UNROUTABLE if pair not in failures)
    assert not routed_after_all, f"listed as unroutable but route correctly: {routed_after_all}"


def test_service_hint_lists_match_the_models() -> None:
    """route_index keeps a few hand lists to avoid loading every model; they must stay exact."""
    query_compatible, unsigned_rest, bearer_rest = [], [], []
    for name, meta in catalog().items():
        model = service_model(name)
        if "query" not in meta.protocols and model.is_query_compatible:
            query_compatible.append(name)
        if meta.protocol not in ("rest-json", "rest-xml"):
            continue
        auth = model.metadata.get("auth") or []
        if model.metadata.get("signatureVersion") == "bearer" or "smithy.api#httpBearerAuth" in auth:
            bearer_rest.append(name)
        raw_operations = model._service_description["operations"].values()
        if any(
            op.get("authtype") == "none" or op.get("auth") == ["smithy.api#noAuth"] for op in raw_operations
        ):
            unsigned_rest.append(name)
    assert sorted(query_compatible) == sorted(QUERY_COMPATIBLE_SERVICES)
    assert sorted(unsigned_rest) == sorted(UNSIGNED_REST_SERVICES)
    assert sorted(bearer_rest) == sorted(BEARER_REST_SERVICES)
