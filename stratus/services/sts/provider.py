"""AWS Security Token Service: who am I, and temporary credentials for roles, users and federation."""

from __future__ import annotations

import hashlib
import json
import re

from stratus.auth.credentials import account_for_access_key
from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.base import Provider
from stratus.services.sts import issue as sts

ROLE_ARN = re.compile(r"arn:(aws[a-z-]*):iam::(\d{12}):role/(?:[\x21-\x7e]*/)?([\w+=,.@-]{1,64})")
DEFAULT_ROLE_SESSION_SECONDS = 3600
ROLE_CHAINING_MAX_SECONDS = 3600
USER_SESSION_DEFAULT_SECONDS = 43_200
USER_SESSION_MAX_SECONDS = 129_600
ROOT_SESSION_MAX_SECONDS = 3600


class InvalidAuthorizationMessage(ServiceError):
    code = "InvalidAuthorizationMessageException"
    status = 400


class StsProvider(Provider):
    service = "sts"

    def get_caller_identity(self, ctx: RequestContext, req: dict) -> dict:
        principal = ctx.principal
        return {"UserId": principal.user_id, "Account": principal.account_id, "Arn": principal.arn}

    def get_access_key_info(self, ctx: RequestContext, req: dict) -> dict:
        credential = ctx.runtime.auth.credentials.lookup(req["AccessKeyId"])
        account = (
            credential.principal.account_id if credential else account_for_access_key(req["AccessKeyId"])
        )
        return {"Account": account}

    # ------------------------------------------------------------------ roles

    def assume_role(self, ctx: RequestContext, req: dict) -> dict:
        role_arn, session_name = req["RoleArn"], req["RoleSessionName"]
        sts.check_name(session_name, "roleSessionName")
        partition, role_account, role = self._role(ctx, role_arn)
        caller_session = ctx.credential.session if ctx.credential else None
        chained = ctx.principal.type == "AssumedRole"
        duration = req.get("DurationSeconds") or DEFAULT_ROLE_SESSION_SECONDS
        if chained:
            sts.check_duration(
                duration,
                ROLE_CHAINING_MAX_SECONDS,
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
            )
        _check_role_duration(role, duration)
        policies = sts.session_policies(ctx, req)
        tags, transitive = sts.session_tags(req, caller_session if chained else None)
        packed = sts.packed_policy_size(policies, tags)
        mfa_at = sts.check_mfa(ctx, req, ctx.principal.account_id)
        context: dict[str, object] = {"sts:RoleSessionName": session_name}
        if req.get("ExternalId") is not None:
            context["sts:ExternalId"] = req["ExternalId"]
        if req.get("SourceIdentity"):
            context["sts:SourceIdentity"] = req["SourceIdentity"]
        if mfa_at is not None:
            context["aws:MultiFactorAuthPresent"] = "true"
            context["aws:MultiFactorAuthAge"] = "0"
        self._authorize_trust(ctx, "sts:AssumeRole", role_arn, role_account, role, context, tags, req)
        if role is not None:
            self._record_role_use(ctx, role_account, role.name)
        session = self._role_session(
            ctx,
            role_arn,
            role,
            partition,
            role_account,
            session_name,
            duration,
            session_policies=policies,
            session_tags=tags,
            transitive_tag_keys=transitive,
            mfa_authenticated=mfa_at is not None or bool(caller_session and caller_session.mfa_authenticated),
            mfa_authenticated_at=mfa_at,
            source_identity=req.get("SourceIdentity")
            or (caller_session.source_identity if caller_session else None),
            chained=chained,
        )
        output = _role_output(session, packed)
        if session.source_identity:
            output["SourceIdentity"] = session.source_identity
        return output

    async def assume_role_with_web_identity(self, ctx: RequestContext, req: dict) -> dict:
        from stratus.services.sts import web_identity  # loads pyjwt and cryptography: only when used

        role_arn, session_name = req["RoleArn"], req["RoleSessionName"]
        sts.check_name(session_name, "roleSessionName")
        identity = web_identity.read_token(req["WebIdentityToken"])
        partition, role_account, role = self._role(ctx, role_arn)
        provider = self._oidc_provider(ctx, role_account, identity.issuer)
        mode = ctx.runtime.auth.mode
        if provider is not None:
            web_identity.check_claims(identity, provider, ctx.time.timestamp())
            await ctx.offload(web_identity.verify_signature, identity)
        elif mode != "off":
            raise web_identity.InvalidIdentityToken(
                f"No OpenIDConnect provider found in your account for {identity.issuer}"
            )
        duration = req.get("DurationSeconds") or DEFAULT_ROLE_SESSION_SECONDS
        _check_role_duration(role, duration)
        policies = sts.session_policies(ctx, req)
        packed = sts.packed_policy_size(policies, {})
        host = web_identity_key_prefix(identity.issuer)
        provider_arn = (
            provider["arn"] if provider else f"arn:{partition}:iam::{role_account}:oidc-provider/{host}"
        )
        context = {
            f"{host}:aud": identity.audience,
            f"{host}:sub": identity.subject,
            "aws:FederatedProvider": provider_arn,
            "sts:RoleSessionName": session_name,
        }
        from stratus.auth.credentials import Principal

        federated = Principal(role_account, provider_arn, identity.subject, "WebIdentityUser")
        self._authorize_trust(
            ctx,
            "sts:AssumeRoleWithWebIdentity",
            role_arn,
            role_account,
            role,
            context,
            {},
            req,
            principal=federated,
        )
        session = self._role_session(
            ctx, role_arn, role, partition, role_account, session_name, duration, session_policies=policies
        )
        return {
            **_role_output(session, packed),
            "SubjectFromWebIdentityToken": identity.subject,
            "Provider": provider_arn if provider else identity.issuer,
            "Audience": identity.audience,
        }

    def _role_session(
        self, ctx, role_arn, role, partition, role_account, session_name, duration, **fields
    ) -> sts.Session:
        """Issue the credentials of a session of `role` (IAM's record, or None when IAM is off and
        does not know the role)."""
        name = _role_name(role_arn, role)
        return sts.issue(
            ctx,
            duration,
            account_id=role_account,
            principal_type="AssumedRole",
            arn=f"arn:{partition}:sts::{role_account}:assumed-role/{name}/{session_name}",
            user_id=f"{_role_id(role_arn, role)}:{session_name}",
            name=name,
            role_arn=role.arn if role is not None else role_arn,
            session_name=session_name,
            source_user_name=None,
            **fields,
        )

    def _role(self, ctx: RequestContext, role_arn: str):
        match = ROLE_ARN.fullmatch(role_arn)
        if match is None:
            raise sts.StsValidationError(f"{role_arn} is invalid")
        partition, account_id, name = match.groups()
        from stratus.services.iam.directory import IamDirectory
        from stratus.services.iam.store import MIGRATIONS

        role = IamDirectory(ctx.runtime.state.database("iam", MIGRATIONS)).role(account_id, name)
        return partition, account_id, role

    def _record_role_use(self, ctx: RequestContext, account_id: str, role_name: str) -> None:
        from stratus.services.iam.directory import IamDirectory
        from stratus.services.iam.store import MIGRATIONS

        directory = IamDirectory(ctx.runtime.state.database("iam", MIGRATIONS))
        directory.record_role_use(account_id, role_name, ctx.region, ctx.time)

    def _oidc_provider(self, ctx: RequestContext, account_id: str, issuer: str) -> dict | None:
        from stratus.services.iam.account_store import oidc_provider_for_issuer
        from stratus.services.iam.store import MIGRATIONS

        return oidc_provider_for_issuer(ctx.runtime.state.database("iam", MIGRATIONS), account_id, issuer)

    def _authorize_trust(
        self, ctx, action, role_arn, role_account, role, context, tags, req, *, principal=None
    ) -> None:
        """The role's trust policy (and the caller's own policies) must allow the assumption; with
        session tags also sts:TagSession, with a source identity also sts:SetSourceIdentity."""
        auth = ctx.runtime.auth
        if auth.mode == "off":
            return
        caller = principal or ctx.principal
        if role is None:
            if auth.mode == "enforce":
                from stratus.auth.denial import access_denied

                raise access_denied(
                    "sts",
                    f"User: {caller.arn} is not authorized to perform: {action} on resource: {role_arn}",
                )
            return
        checks = [(action, context)]
        if tags:
            tag_context = dict(context)
            tag_context.update({f"aws:RequestTag/{k}": v for k, v in tags.items()})
            tag_context["aws:TagKeys"] = list(tags)
            if req.get("TransitiveTagKeys"):
                tag_context["sts:TransitiveTagKeys"] = list(req["TransitiveTagKeys"])
            checks.append(("sts:TagSession", tag_context))
        if req.get("SourceIdentity"):
            checks.append(("sts:SetSourceIdentity", context))
        for needed, keys in checks:
            auth.check(
                ctx,
                needed,
                role.arn,
                resource_account=role_account,
                context=keys,
                resource_policy=role.trust_policy,
                resource_policy_kind="trust",
                principal=principal,
            )

    # ------------------------------------------------------------------ users

    def get_session_token(self, ctx: RequestContext, req: dict) -> dict:
        principal = self._long_term_caller(ctx, "GetSessionToken")
        duration = _user_session_duration(principal, req)
        mfa_at = sts.check_mfa(ctx, req, principal.account_id)
        session = sts.issue(
            ctx,
            duration,
            account_id=principal.account_id,
            principal_type=principal.type,
            arn=principal.arn,
            user_id=principal.user_id,
            name=principal.name,
            role_arn=None,
            session_name=None,
            source_user_name=principal.name if principal.type == "IAMUser" else None,
            session_policies=(),
            mfa_authenticated=mfa_at is not None,
            mfa_authenticated_at=mfa_at,
        )
        return {"Credentials": sts.credentials_output(session)}

    def get_federation_token(self, ctx: RequestContext, req: dict) -> dict:
        principal = self._long_term_caller(ctx, "GetFederationToken")
        name = req["Name"]
        sts.check_name(name, "name")
        duration = _user_session_duration(principal, req)
        policies = sts.session_policies(ctx, req)
        tags, _ = sts.session_tags(req, None)
        packed = sts.packed_policy_size(policies, tags)
        partition = ctx.partition
        session = sts.issue(
            ctx,
            duration,
            account_id=principal.account_id,
            principal_type="FederatedUser",
            arn=f"arn:{partition}:sts::{principal.account_id}:federated-user/{name}",
            user_id=f"{principal.account_id}:{name}",
            name=name,
            role_arn=None,
            session_name=None,
            source_user_name=principal.name if principal.type == "IAMUser" else None,
            session_policies=policies,
            session_tags=tags,
        )
        output = {
            "Credentials": sts.credentials_output(session),
            "FederatedUser": {"FederatedUserId": session.user_id, "Arn": session.arn},
        }
        if packed is not None:
            output["PackedPolicySize"] = packed
        return output

    def _long_term_caller(self, ctx: RequestContext, operation: str):
        principal = ctx.principal
        if (
            ctx.credential is not None
            and ctx.credential.session is not None
            or principal.type
            not in (
                "Root",
                "IAMUser",
            )
        ):
            raise sts.StsAccessDenied(f"Cannot call {operation} with session credentials")
        return principal

    # ------------------------------------------------------------------ denials

    def decode_authorization_message(self, ctx: RequestContext, req: dict) -> dict:
        from stratus.auth.denial import SEAL_KEY_SETTING, new_seal_key, unseal_message
        from stratus.services.sts import sessions

        key = sessions.setting(sts.sts_database(ctx), SEAL_KEY_SETTING, new_seal_key)
        document = unseal_message(key, req["EncodedMessage"])
        if document is None:
            raise InvalidAuthorizationMessage("The message that you attempted to decode is not valid.")
        return {"DecodedMessage": json.dumps(document, separators=(",", ":"))}


def _check_role_duration(role, duration: int) -> None:
    if role is not None:
        sts.check_duration(
            duration,
            role.max_session_duration,
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        )


def _user_session_duration(principal, req: dict) -> int:
    """GetSessionToken/GetFederationToken: 12 hours by default, up to 36 (root: 1 hour)."""
    is_root = principal.type == "Root"
    duration = req.get("DurationSeconds") or (
        ROOT_SESSION_MAX_SECONDS if is_root else USER_SESSION_DEFAULT_SECONDS
    )
    maximum = ROOT_SESSION_MAX_SECONDS if is_root else USER_SESSION_MAX_SECONDS
    sts.check_duration(
        duration, maximum, f"The requested DurationSeconds exceeds the limit of {maximum} seconds."
    )
    return duration


def _role_output(session, packed: int | None) -> dict:
    output = {
        "Credentials": sts.credentials_output(session),
        "AssumedRoleUser": {"AssumedRoleId": session.user_id, "Arn": session.arn},
    }
    if packed is not None:
        output["PackedPolicySize"] = packed
    return output


def web_identity_key_prefix(issuer: str) -> str:
    """Condition keys of a web identity are named after the issuer without scheme: `host/path:aud`."""
    for scheme in ("https://", "http://"):
        if issuer.startswith(scheme):
            issuer = issuer[len(scheme) :]
    return issuer.rstrip("/")


def _role_name(role_arn: str, role) -> str:
    return role.name if role is not None else role_arn.rsplit("/", 1)[-1]


def _role_id(role_arn: str, role) -> str:
    """The role's unique id; for a role IAM does not know (IAM off), a stable made-up one."""
    if role is not None:
        return role.role_id
    digest = hashlib.sha256(role_arn.encode()).hexdigest().upper()
    return "AROA" + "".join(c for c in digest if c.isalnum())[:17]
