"""The step every key operation starts with: find the key its KeyId names (creating an AWS managed
key on first use of its alias), bring it up to date with the clock, and authorize the caller."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.kms import access, resolve
from stratus.services.kms.common import DRY_RUN, DryRunOperationException, now
from stratus.services.kms.creation import create_aws_managed_key
from stratus.services.kms.grant_store import check_tokens
from stratus.services.kms.last_usage_tracker import UsageTracker
from stratus.services.kms.lifecycle import settle
from stratus.services.kms.material import MaterialCache
from stratus.services.kms.policy_documents import aws_managed_service
from stratus.services.kms.states import ENABLED, PENDING_DELETION
from stratus.services.kms.store import Key, find_alias, find_key
from stratus.store import Database


def is_due(key: Key, at: float) -> bool:
    """Whether the clock has passed something scheduled for the key (cheap: no query)."""
    return (
        (key.key_state == PENDING_DELETION and key.deletion_date is not None and key.deletion_date <= at)
        or (key.valid_to is not None and key.valid_to <= at)
        or (key.key_state == ENABLED and key.next_rotation is not None and key.next_rotation <= at)
    )


class KeyRing:
    """Mixed into the provider, which supplies `db()` and `materials`."""

    materials: MaterialCache
    usage: UsageTracker

    def db(self) -> Database:
        raise NotImplementedError

    def find(
        self, ctx: RequestContext, key_id: str, *, operation: str | None = None
    ) -> tuple[Key, str | None]:
        """The key a KeyId names, up to date, and the alias name it was named by (if any)."""
        ref = resolve.parse(ctx, key_id, operation)
        db = self.db()
        key, alias_name = resolve.lookup(db, ref)
        if key is None and alias_name is not None:
            key = self._create_managed(ctx, db, ref)
        if key is not None:
            key = self.current(db, key, now(ctx))
        if key is None:
            raise resolve.missing(ref)
        return key, alias_name

    def key(
        self,
        ctx: RequestContext,
        key_id: str,
        action: str | None = None,
        params: dict | None = None,
        *,
        operation: str | None = None,
        encryption_context: dict[str, str] | None = None,
    ) -> Key:
        """`find`, then authorize `action` (default kms:<Operation>) on the key."""
        key, _ = self.find(ctx, key_id, operation=operation)
        check_tokens((params or {}).get("GrantTokens"))  # only tokens KMS handed out
        access.authorize(
            ctx,
            self.db(),
            key,
            action or f"kms:{operation or ctx.operation}",
            params,
            encryption_context=encryption_context,
        )
        return key

    def current(self, db: Database, key: Key, at: float) -> Key | None:
        if not is_due(key, at):
            return key
        with db.transaction():
            fresh = find_key(db, key.account_id, key.region, key.key_id)
            return settle(db, self.materials, fresh, at) if fresh is not None else None

    def _create_managed(self, ctx: RequestContext, db: Database, ref: resolve.KeyRef) -> Key | None:
        """`alias/aws/<service>` names an AWS managed key that exists from its first use on."""
        service = aws_managed_service(ref.alias_name or "")
        if service is None or ref.account_id != ctx.account_id:
            return None
        with db.transaction():
            if find_alias(db, ref.account_id, ref.region, ref.alias_name or "") is not None:
                key, _ = resolve.lookup(db, ref)
                return key
            return create_aws_managed_key(
                db, self.materials, ref.account_id, ref.region, ref.alias_name or "", service, now(ctx)
            )


def dry_run(req: dict) -> None:
    """Raise AWS's DryRunOperationException once every check of the request has passed."""
    if req.get("DryRun"):
        raise DryRunOperationException(DRY_RUN)
