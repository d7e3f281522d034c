"""Reading the caller's credential scope from a request, and the principal a request acts as.

Without IAM data, an access key id of 12 digits selects that account, any other key the default
account, and the caller is the account's root principal (authority.py resolves IAM users' keys
and STS sessions to their principals).
"""

from __future__ import annotations

from dataclasses import dataclass

from stratus.config import DEFAULT_ACCOUNT_ID
from stratus.protocol.http import HttpRequest


@dataclass(frozen=True, slots=True)
class CredentialScope:
    access_key_id: str | None
    region: str | None
    service: str | None  # the signing name


@dataclass(frozen=True, slots=True)
class Principal:
    account_id: str
    arn: str
    user_id: str  # aws:userid: account id (root), AIDA... (user), AROA...:session (assumed role)
    # "Root", "IAMUser", "AssumedRole", "FederatedUser", "WebIdentityUser", "AWSService", "Anonymous"
    type: str
    name: str | None = None  # user name, role name or federated user name
    role_arn: str | None = None  # AssumedRole: the role's IAM ARN (with its path)
    session_name: str | None = None
    access_key_id: str | None = None  # the key the request was signed with

    @classmethod
    def root(cls, account_id: str) -> Principal:
        return cls(account_id, f"arn:aws:iam::{account_id}:root", account_id, "Root")

    @classmethod
    def service(cls, account_id: str, service_principal: str) -> Principal:
        return cls(account_id, service_principal, service_principal, "AWSService")

    @classmethod
    def anonymous(cls, account_id: str) -> Principal:
        return cls(account_id, "anonymous", "anonymous", "Anonymous")

    @property
    def iam_user_name(self) -> str | None:
        """aws:username: only IAM users have one."""
        return self.name if self.type == "IAMUser" else None


_NO_SCOPE = CredentialScope(None, None, None)


def _scope_from_credential(credential: str) -> CredentialScope:
    # AKID/20250101/us-east-1/sqs/aws4_request
    parts = credential.split("/")
    if len(parts) >= 5:
        return CredentialScope(parts[0] or None, parts[2] or None, parts[3] or None)
    return CredentialScope(parts[0] or None, None, None)


def credential_scope(request: HttpRequest) -> CredentialScope:
    authorization = request.headers.get("authorization")
    if authorization:
        if authorization.startswith("AWS4-"):
            start = authorization.find("Credential=")
            if start >= 0:
                end = authorization.find(",", start)
                value = authorization[start + 11 : end if end >= 0 else None].strip()
                return _scope_from_credential(value)
            return _NO_SCOPE
        if authorization.startswith("AWS "):  # SigV2 (legacy S3): "AWS AKID:signature"
            return CredentialScope(authorization[4:].split(":", 1)[0] or None, None, None)
        return _NO_SCOPE
    if "X-Amz-Credential" in request.query_string:
        values = request.query.get("X-Amz-Credential")
        if values:
            return _scope_from_credential(values[0])
    if "AWSAccessKeyId" in request.query_string:
        values = request.query.get("AWSAccessKeyId")
        if values:
            return CredentialScope(values[0], None, None)
    return _NO_SCOPE


def account_for_access_key(access_key_id: str | None) -> str:
    """An access key id of exactly 12 digits selects that account (multi-account tests)."""
    if access_key_id and len(access_key_id) == 12 and access_key_id.isdigit():
        return access_key_id
    return DEFAULT_ACCOUNT_ID
