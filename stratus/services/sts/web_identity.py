"""Web identity tokens (OIDC JWTs) for AssumeRoleWithWebIdentity: read the claims, check issuer,
audience, expiry and signature against the IAM OIDC provider, as AWS does.

The signature is checked with the issuer's published keys: `<iss>/.well-known/openid-configuration`
names the `jwks_uri`. Fetching happens on a worker thread (never on the event loop).
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass

import jwt

from stratus.protocol.errors import ServiceError

FETCH_TIMEOUT_SECONDS = 5.0


class InvalidIdentityToken(ServiceError):
    code = "InvalidIdentityToken"
    status = 400


class ExpiredTokenException(ServiceError):
    code = "ExpiredTokenException"
    status = 400


class IDPCommunicationError(ServiceError):
    code = "IDPCommunicationError"
    status = 400


class IDPRejectedClaim(ServiceError):
    code = "IDPRejectedClaim"
    status = 403


@dataclass(frozen=True, slots=True)
class WebIdentity:
    issuer: str
    subject: str
    audience: str
    claims: dict
    header: dict
    token: str


def read_token(token: str) -> WebIdentity:
    """The token's claims, unverified; a token that is not a JWT is refused."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise InvalidIdentityToken(
            "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"
        ) from None
    audience = claims.get("aud")
    if isinstance(audience, list):
        audience = audience[0] if audience else ""
    issuer = str(claims.get("iss") or "")
    if not issuer:
        raise InvalidIdentityToken("Missing claim 'iss' in the ID Token.")
    return WebIdentity(issuer, str(claims.get("sub") or ""), str(audience or ""), claims, header, token)


def check_claims(identity: WebIdentity, provider: dict, now: float) -> None:
    """Audience must be a client id of the provider; the token must not be expired."""
    audiences = identity.claims.get("aud")
    audiences = audiences if isinstance(audiences, list) else [audiences]
    client_ids = provider.get("client_ids") or []
    if not any(a in client_ids for a in audiences):
        raise InvalidIdentityToken("Incorrect token audience")
    expires = identity.claims.get("exp")
    if isinstance(expires, int | float) and now >= expires:
        raise ExpiredTokenException(
            f"Token expired: current date/time {int(now)} must be before the expiration date/time {int(expires)}"
        )


def verify_signature(identity: WebIdentity) -> None:
    """Blocking (network): run on a worker thread. Raises IDPCommunicationError or InvalidIdentityToken."""
    issuer = identity.issuer if "://" in identity.issuer else f"https://{identity.issuer}"
    try:
        configuration = _fetch_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
        keys = jwt.PyJWKSet.from_dict(_fetch_json(configuration["jwks_uri"]))
    except Exception:
        raise IDPCommunicationError(
            "Couldn't retrieve verification key from your identity provider,  please reference "
            "AssumeRoleWithWebIdentity documentation for requirements"
        ) from None
    kid = identity.header.get("kid")
    candidates = [key for key in keys.keys if kid is None or key.key_id == kid]
    algorithm = identity.header.get("alg", "RS256")
    for key in candidates:
        try:
            jwt.decode(
                identity.token,
                key.key,
                algorithms=[algorithm],
                options={"verify_aud": False, "verify_exp": False, "verify_iat": False, "verify_nbf": False},
            )
            return
        except jwt.PyJWTError:
            continue
    raise InvalidIdentityToken("The web identity token that was passed could not be validated by AWS.")


def _fetch_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310 - issuer URLs
        return json.loads(response.read(1024 * 1024))
