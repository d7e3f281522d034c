"""Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant and RevokeGrant. Grants take
effect at once (Stratus has no eventual consistency to wait for); grant tokens are accepted and
checked to be tokens KMS handed out."""

from __future__ import annotations

import re

from stratus.core.context import RequestContext
from stratus.core.ids import partition_for_region
from stratus.services.kms import specs
from stratus.services.kms.common import (
    InvalidGrantIdException,
    NotFoundException,
    ValidationException,
    as_datetime,
    key_arn,
    now,
)
from stratus.services.kms.grant_store import (
    Grant,
    check_tokens,
    delete_grant,
    find_grant,
    grant_token,
    grants_of,
    grants_retirable_by,
    insert_grant,
    names_grantee,
    new_grant_id,
    read_token,
)
from stratus.services.kms.keyring import KeyRing, dry_run
from stratus.services.kms.paging import page
from stratus.services.kms.policy_documents import account_root
from stratus.services.kms.states import require_enabled
from stratus.services.kms.store import Key

_MANAGEMENT = ("CreateGrant", "DescribeKey", "RetireGrant")
# Grant operations each kind of key supports ("Grant operations" in the KMS developer guide).
_OPERATIONS = {
    "symmetric": (
        "Decrypt",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "ReEncryptFrom",
        "ReEncryptTo",
        *_MANAGEMENT,
    ),
    specs.ENCRYPT_DECRYPT: (
        "Decrypt",
        "Encrypt",
        "ReEncryptFrom",
        "ReEncryptTo",
        "GetPublicKey",
        *_MANAGEMENT,
    ),
    specs.SIGN_VERIFY: ("Sign", "Verify", "GetPublicKey", *_MANAGEMENT),
    specs.GENERATE_VERIFY_MAC: ("GenerateMac", "VerifyMac", *_MANAGEMENT),
    specs.KEY_AGREEMENT: ("DeriveSharedSecret", "GetPublicKey", *_MANAGEMENT),
}
_GRANT_ID = re.compile(r"[0-9a-f]{64}")
MAX_CONTEXT_PAIRS = 8
MAX_CONTEXT_VALUE = 384
# guessed wordings: AWS documents the rules, not the messages
ONE_GRANTEE = "You must specify either GranteePrincipal or GranteeServicePrincipal, but not both."
ONE_RETIRING = "You can specify either RetiringPrincipal or RetiringServicePrincipal, but not both."
SERVICE_GRANTEE = (
    "A grant for a GranteeServicePrincipal requires a SourceArn grant constraint and a RetiringPrincipal "
    "or RetiringServicePrincipal."
)
NO_OPERATIONS = "The grant must allow at least one operation."
BAD_OPERATION = (
    "Grant operation {operation} is not valid for a KMS key with KeySpec {spec} and KeyUsage {usage}."
)
CONTEXT_CONSTRAINT = (
    "Encryption context grant constraints are supported only on symmetric encryption KMS keys."
)
CONTEXT_TOO_LARGE = (
    "Each grant constraint can include up to 8 encryption context pairs of up to 384 characters."
)
RETIRE_WHAT = "Grant token OR (grant ID, key ID) must be specified"
RETIRING_REQUIRED = "You must specify either RetiringPrincipal or RetiringServicePrincipal."
INVALID_GRANT_ID = "Invalid grant ID: {grant_id}"
GRANT_NOT_FOUND = "Grant ID {grant_id} not found"


def grant_operations_for(key: Key) -> tuple[str, ...]:
    if key.key_spec == specs.SYMMETRIC_DEFAULT:
        return _OPERATIONS["symmetric"]
    return _OPERATIONS[key.key_usage]


def check_constraints(key: Key, constraints: dict | None) -> None:
    for name in ("EncryptionContextEquals", "EncryptionContextSubset"):
        pairs = (constraints or {}).get(name)
        if pairs is None:
            continue
        if key.key_spec != specs.SYMMETRIC_DEFAULT:
            raise ValidationException(CONTEXT_CONSTRAINT)
        if len(pairs) > MAX_CONTEXT_PAIRS or any(
            len(k) + len(v) > MAX_CONTEXT_VALUE for k, v in pairs.items()
        ):
            raise ValidationException(CONTEXT_TOO_LARGE)


def grant_entry(grant: Grant, key_arn_text: str) -> dict:
    entry: dict = {
        "KeyId": key_arn_text,
        "GrantId": grant.grant_id,
        "CreationDate": as_datetime(grant.created),
        "IssuingAccount": account_root(grant.region, grant.issuing_account),
        "Operations": list(grant.operations),
    }
    if grant.name is not None:
        entry["Name"] = grant.name
    if grant.grantee is not None:
        entry["GranteePrincipal"] = grant.grantee
    if grant.grantee_service is not None:
        entry["GranteeServicePrincipal"] = grant.grantee_service
    if grant.retiring is not None:
        entry["RetiringPrincipal"] = grant.retiring
    if grant.retiring_service is not None:
        entry["RetiringServicePrincipal"] = grant.retiring_service
    if grant.constraints:
        entry["Constraints"] = grant.constraints
    return entry


class GrantOperations(KeyRing):
    def create_grant(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        require_enabled(key)
        check_tokens(req.get("GrantTokens"))
        grantee, grantee_service = req.get("GranteePrincipal"), req.get("GranteeServicePrincipal")
        retiring, retiring_service = req.get("RetiringPrincipal"), req.get("RetiringServicePrincipal")
        constraints = req.get("Constraints") or None
        if (grantee is None) == (grantee_service is None):
            raise ValidationException(ONE_GRANTEE)
        if retiring is not None and retiring_service is not None:
            raise ValidationException(ONE_RETIRING)
        if grantee_service is not None and (
            not (constraints or {}).get("SourceArn") or (retiring is None and retiring_service is None)
        ):
            raise ValidationException(SERVICE_GRANTEE)
        operations = list(dict.fromkeys(req["Operations"]))
        if not operations:
            raise ValidationException(NO_OPERATIONS)
        allowed = grant_operations_for(key)
        for operation in operations:
            if operation not in allowed:
                raise ValidationException(
                    BAD_OPERATION.format(operation=operation, spec=key.key_spec, usage=key.key_usage)
                )
        check_constraints(key, constraints)
        dry_run(req)
        grant = Grant(
            account_id=key.account_id,
            region=key.region,
            grant_id=new_grant_id(),
            key_id=key.key_id,
            name=req.get("Name"),
            created=now(ctx),
            grantee=grantee,
            grantee_service=grantee_service,
            retiring=retiring,
            retiring_service=retiring_service,
            issuing_account=ctx.account_id,
            operations=tuple(operations),
            constraints=constraints,
        )
        db = self.db()
        with db.transaction():
            same = self._same_named(db, key, grant)
            if same is not None:
                grant = same
            else:
                insert_grant(db, grant)
        return {"GrantToken": grant_token(grant), "GrantId": grant.grant_id}

    def list_grants(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        grant_id = req.get("GrantId")
        if grant_id is not None and _GRANT_ID.fullmatch(grant_id) is None:
            raise InvalidGrantIdException(INVALID_GRANT_ID.format(grant_id=grant_id))
        grants = [
            g
            for g in grants_of(self.db(), key)
            if (grant_id is None or g.grant_id == grant_id)
            and (req.get("GranteePrincipal") is None or g.grantee == req["GranteePrincipal"])
            and (
                req.get("GranteeServicePrincipal") is None
                or g.grantee_service == req["GranteeServicePrincipal"]
            )
        ]
        chosen, more = page(grants, req, _position, default=50, maximum=100)
        return {"Grants": [grant_entry(g, key.arn) for g in chosen], **more}

    def list_retirable_grants(self, ctx: RequestContext, req: dict) -> dict:
        principal, service = req.get("RetiringPrincipal"), req.get("RetiringServicePrincipal")
        if (principal is None) == (service is None):
            raise ValidationException(RETIRING_REQUIRED)
        db = self.db()
        grants = grants_retirable_by(db, ctx.region, principal, service)
        chosen, more = page(grants, req, _position, default=50, maximum=100)
        return {"Grants": [grant_entry(g, _arn_of(g)) for g in chosen], **more}

    def retire_grant(self, ctx: RequestContext, req: dict) -> dict:
        token, key_id, grant_id = req.get("GrantToken"), req.get("KeyId"), req.get("GrantId")
        db = self.db()
        if token is not None:
            account_id, region, grant_id = read_token(token)
            grant = find_grant(db, account_id, region, grant_id)
            if grant is None:
                raise NotFoundException(GRANT_NOT_FOUND.format(grant_id=grant_id))
        elif key_id is not None and grant_id is not None:
            key, _ = self.find(ctx, key_id)
            grant = find_grant(db, key.account_id, key.region, grant_id)
            if grant is None or grant.key_id != key.key_id:
                raise NotFoundException(GRANT_NOT_FOUND.format(grant_id=grant_id))
        else:
            raise ValidationException(RETIRE_WHAT)
        self._check_retire(ctx, grant)
        dry_run(req)
        with db.transaction():
            delete_grant(db, grant)
        return {}

    def revoke_grant(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        db = self.db()
        grant = find_grant(db, key.account_id, key.region, req["GrantId"])
        if grant is None or grant.key_id != key.key_id:
            raise NotFoundException(GRANT_NOT_FOUND.format(grant_id=req["GrantId"]))
        dry_run(req)
        with db.transaction():
            delete_grant(db, grant)
        return {}

    # -- helpers ----------------------------------------------------------------------------

    def _same_named(self, db, key: Key, grant: Grant) -> Grant | None:
        """A retried CreateGrant with a Name and identical parameters returns the grant it made."""
        if grant.name is None:
            return None
        for existing in grants_of(db, key):
            if existing.name == grant.name and (
                existing.grantee,
                existing.grantee_service,
                existing.retiring,
                existing.retiring_service,
                sorted(existing.operations),
                existing.constraints,
            ) == (
                grant.grantee,
                grant.grantee_service,
                grant.retiring,
                grant.retiring_service,
                sorted(grant.operations),
                grant.constraints,
            ):
                return existing
        return None

    def _check_retire(self, ctx: RequestContext, grant: Grant) -> None:
        """Who may retire a grant is the grant's to say: its retiring principal, its grantee when the
        grant allows RetireGrant, or the account that made it (IAM enforce and audit modes only)."""
        auth = ctx.runtime.auth
        if auth.mode == "off":
            return
        principal = ctx.principal
        root = account_root(ctx.region, principal.account_id)
        allowed = (
            grant.retiring in (principal.arn, principal.role_arn, root)
            or grant.retiring_service == principal.arn
            or ("RetireGrant" in grant.operations and names_grantee(grant, principal))
            or principal.account_id == grant.issuing_account
        )
        if allowed or auth.mode != "enforce":
            return
        from stratus.auth.denial import access_denied

        raise access_denied(
            "kms",
            f"User: {principal.arn} is not authorized to perform: kms:RetireGrant on resource: {_arn_of(grant)}",
        )


def _position(grant: Grant) -> str:
    return f"{grant.created:020.6f}:{grant.grant_id}"


def _arn_of(grant: Grant) -> str:
    return key_arn(partition_for_region(grant.region), grant.region, grant.account_id, grant.key_id)
