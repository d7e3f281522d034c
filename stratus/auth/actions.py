"""What a request must be authorized for: its IAM action(s) and the resource ARN(s) it names.

One mechanism for every operation of every service: the action is `<prefix>:<Operation>` when the
Service Authorization Reference has it (its spelling), on the ARN template of the action's resource
type filled from the request; the operations where AWS authorizes something else are listed in
action_exceptions.py. An operation whose action the reference lacks is authorized as
`<prefix>:<Operation>` on "*" and recorded (`unmapped_operations()`).

Resource choices worth knowing:
- A placeholder the request cannot fill makes the resource "*" (as AWS does for list operations).
- An ARN the request gives (TopicArn, a Lambda FunctionName ARN, ResourceArn of tagging operations)
  is used as is; its account, when not the caller's, is `resource_account`.
- KMS: a key id or key ARN gives the key ARN; an alias (`alias/x` or an alias ARN) gives "*", since
  AWS authorizes the key the alias points to, which only the KMS provider knows.
- IAM: names without a request `Path` give `role/name` (the stored path is not known here).
- Secrets Manager: a secret name gives `secret:NAME-??????` (AWS's ARN ends in 6 random characters;
  `-??????` is how AWS's docs tell a policy to match them, and `NAME-*` matches it too).
- S3 DeleteObjects: one s3:DeleteObject (or DeleteObjectVersion) per key, as S3 evaluates it.
- CloudWatch Logs: log-group actions are evaluated on `log-group:NAME:*`, except tagging actions.

Everything is lazy: nothing loads until a server in audit/enforce mode calls `warm()` or asks.
"""

from __future__ import annotations

import threading

from stratus.auth.action_plans import Authorization, OperationPlan, PlanBuilder, build_operation_plan
from stratus.auth.iam_database import database
from stratus.auth.request_conditions import condition_keys_for
from stratus.protocol.loader import catalog, service_model

__all__ = [
    "Authorization",
    "authorizations",
    "iam_prefix",
    "operation_plan",
    "request_condition_keys",
    "unmapped_operations",
    "warm",
]

# botocore service name (or signing name) -> IAM prefix, where the service's own names do not say it
_PREFIX_OVERRIDES = {
    "monitoring": "cloudwatch",
    "email": "ses",
    "sesv2": "ses",
    "elbv2": "elasticloadbalancing",
    "resourcegroupstaggingapi": "tag",
    "tagging": "tag",
    "cloudcontrol": "cloudformation",
    "iot-data": "iot",
    "iot-jobs-data": "iotjobsdata",
    "iotsecuretunneling": "iot",
    "mturk": "mechanicalturk",
    "partnercentral-account": "partnercentral",
    "partnercentral-benefits": "partnercentral",
    "partnercentral-channel": "partnercentral",
    "partnercentral-selling": "partnercentral",
    "applicationcostprofiler": "application-cost-profiler",
}

_lock = threading.RLock()
_plans: dict[tuple[str, str], OperationPlan] = {}
_prefixes: dict[str, str] = {}
_builders: dict[str, PlanBuilder] = {}
_unmapped: set[tuple[str, str]] = set()


def warm() -> None:
    """Load the IAM database now (a server in audit/enforce mode calls this on a worker thread)."""
    database().warm()


def iam_prefix(service: str) -> str:
    """botocore's service name -> IAM service prefix (monitoring -> cloudwatch, elbv2 -> elasticloadbalancing)."""
    found = _prefixes.get(service)
    if found is not None:
        return found
    db = database()
    candidates = [_PREFIX_OVERRIDES.get(service)]
    meta = catalog().get(service)
    if meta is not None:
        candidates += [meta.signing_name, meta.endpoint_prefix]
    candidates.append(service)
    found = next((c for c in candidates if c and db.has_prefix(c)), None)
    if found is None:
        found = _PREFIX_OVERRIDES.get(service) or (meta.signing_name if meta else service)
    _prefixes[service] = found
    return found


def authorizations(
    service: str, operation: str, params: dict, *, account_id: str, region: str, partition: str
) -> list[Authorization]:
    """The (action, resource) pairs a request must be allowed; never empty."""
    plan = _plans.get((service, operation))
    if plan is None:
        plan = operation_plan(service, operation)
    return plan.run(params or {}, (account_id, region, partition))


def request_condition_keys(service: str, operation: str, params: dict) -> dict[str, object]:
    """Condition keys the request itself fills: aws:RequestTag/<k>, aws:TagKeys and service keys
    such as s3:prefix or kms:EncryptionContext:<k>."""
    return condition_keys_for(operation_plan(service, operation), iam_prefix(service), params or {})


def operation_plan(service: str, operation: str) -> OperationPlan:
    plan = _plans.get((service, operation))
    if plan is not None:
        return plan
    with _lock:
        plan = _plans.get((service, operation))
        if plan is None:
            plan = _build(service, operation)
            _plans[(service, operation)] = plan
            if not plan.mapped:
                _unmapped.add((service, operation))
    return plan


def unmapped_operations() -> list[tuple[str, str]]:
    """Operations planned so far whose action the Service Authorization Reference does not list."""
    with _lock:
        return sorted(_unmapped)


def _build(service: str, operation: str) -> OperationPlan:
    builder = _builders.get(service)
    if builder is None:
        builder = _builders[service] = PlanBuilder(database(), service, iam_prefix(service))
    members: tuple[str, ...] = ()
    http: dict | None = None
    uri_members: dict[str, str] = {}
    if service in catalog():
        try:
            model = service_model(service).operation_model(operation)
        except Exception:  # an operation botocore does not know: no members to read
            model = None
        if model is not None:
            http = dict(model.http)
            shape = model.input_shape
            if shape is not None:
                members = tuple(shape.members)
                uri_members = {
                    member.serialization.get("name", name): name
                    for name, member in shape.members.items()
                    if member.serialization.get("location") == "uri"
                }
    return build_operation_plan(builder, operation, members, http, uri_members)
