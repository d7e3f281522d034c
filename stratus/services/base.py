"""What every service provider shares: operation lookup and IAM action naming."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from botocore import xform_name

if TYPE_CHECKING:
    from stratus.core.context import RequestContext
    from stratus.runtime import Runtime

Handler = Callable[..., Any]


class Provider:
    """One instance per service per server. An operation `FooBar` is the method `foo_bar(ctx, req)`."""

    service: ClassVar[str]
    iam_prefix: ClassVar[str | None] = None  # defaults to the service name
    # Operations whose IAM action is not `<prefix>:<OperationName>` (e.g. s3 ListObjectsV2 → s3:ListBucket)
    iam_actions: ClassVar[dict[str, str]] = {}
    # Operations that make their whole IAM decision themselves (the dispatcher's check would judge
    # them on less than they know: KMS's key policies and grants); they must call the authority.
    self_authorized_operations: ClassVar[frozenset[str]] = frozenset()
    # Whether canonical_resource_arn may turn a request's resource ARN into the resource's real one.
    resolves_resource_arns: ClassVar[bool] = False

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._handlers: dict[str, Handler | None] = {}
        self.register_deliveries()

    def register_deliveries(self) -> None:
        """Register this service's outbox handlers (kinds named "<service>.<what>") on
        `self.runtime.outbox`; called once when the provider is created."""

    def handler(self, operation: str) -> Handler | None:
        try:
            return self._handlers[operation]
        except KeyError:
            method = getattr(self, xform_name(operation), None)
            found = method if callable(method) else None
            self._handlers[operation] = found
            return found

    def iam_action(self, operation: str) -> str:
        return self.iam_actions.get(operation) or f"{self.iam_prefix or self.service}:{operation}"

    def resource_policy(self, ctx: RequestContext, resource_arn: str) -> str | None:
        """The resource-based policy (JSON text) attached to a resource of this service, if any.

        The IAM hook (DESIGN.md §6): services with resource policies (S3 buckets, SQS queues, SNS
        topics, Lambda functions, KMS keys, secrets) override it; the evaluator does the rest.
        """
        return None

    def canonical_resource_arn(self, ctx: RequestContext, resource_arn: str) -> str:
        """The resource's own ARN for an ARN built from the request alone, when the request could
        not know all of it (a Secrets Manager secret named by name lacks the ARN's random suffix);
        IAM then matches policies against what AWS matches them against. Only called when
        `resolves_resource_arns` is set."""
        return resource_arn

    def resource_account(self, ctx: RequestContext, resource_arn: str) -> str | None:
        """The account owning a resource whose ARN has no account field (S3 buckets and objects)."""
        return None

    def resource_tags(self, ctx: RequestContext, resource_arn: str) -> dict[str, str] | None:
        """The tags of a resource of this service (for `aws:ResourceTag/*` conditions), if any."""
        return None

    def cross_origin_headers(self, ctx: RequestContext, params: dict) -> dict[str, str]:
        """Access-Control-* headers for a request that carries an Origin (S3's bucket CORS rules)."""
        return {}

    def on_reset(self) -> None:
        """Drop in-memory caches after the state store was wiped."""

    async def shutdown(self) -> None:
        """Stop processes or connections the provider owns, when the server stops."""
