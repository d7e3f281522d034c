"""Mobile push: platform applications (one per app and push service) and their device endpoints.

Stratus cannot reach APNs, FCM, ADM, Baidu, MPNS or WNS, so credentials are checked for presence
only, never against the push service (where AWS may answer "Platform credentials are invalid").
Credentials are kept, because re-creating an application compares them, but never returned.
What Publish sends to an endpoint goes to the sent-message log (`find_platform_endpoint` below).
SnsProvider supplies `db`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

from stratus.core.context import RequestContext
from stratus.services.sns.common import InvalidParameter, NotFound, invalid, now
from stratus.services.sns.paging import decode_token, page
from stratus.store import Database

PLATFORMS = ("ADM", "APNS", "APNS_SANDBOX", "BAIDU", "GCM", "MPNS", "WNS")
APPLE_PLATFORMS = ("APNS", "APNS_SANDBOX")
NAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]+")
MAX_NAME_LENGTH = 256
PAGE_SIZE = 100  # AWS: "a limited list of applications/endpoints, up to 100"

CREDENTIALS = ("PlatformCredential", "PlatformPrincipal")
APPLE_TOKEN_ATTRIBUTES = ("ApplePlatformTeamID", "ApplePlatformBundleID")
EVENT_TOPIC_ATTRIBUTES = (
    "EventEndpointCreated",
    "EventEndpointDeleted",
    "EventEndpointUpdated",
    "EventDeliveryFailure",
)
ROLE_ATTRIBUTES = ("SuccessFeedbackRoleArn", "FailureFeedbackRoleArn")
APPLICATION_ATTRIBUTES = frozenset(
    (
        *CREDENTIALS,
        *APPLE_TOKEN_ATTRIBUTES,
        *EVENT_TOPIC_ATTRIBUTES,
        *ROLE_ATTRIBUTES,
        "SuccessFeedbackSampleRate",
    )
)

ENDPOINT_ATTRIBUTES = frozenset(("CustomUserData", "Enabled", "Token"))
BAIDU_ENDPOINT_ATTRIBUTES = ("ChannelId", "UserId")  # AWS: both required on a Baidu endpoint
MAX_CUSTOM_USER_DATA_BYTES = 2048

APPLICATION_NOT_FOUND = "PlatformApplication does not exist"
ENDPOINT_NOT_FOUND = "Endpoint does not exist"

SAMPLE_RATE = re.compile(r"[0-9]{1,3}")
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/\S+")
TOPIC_ARN = re.compile(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?")


# ---------------------------------------------------------------------- for Publish


def find_platform_endpoint(db: Database, arn: str) -> dict | None:
    """The endpoint and what Publish needs of its application, or None if there is no such endpoint."""
    row = db.query_one(
        "SELECT e.arn, e.application_arn, e.token, e.attributes, a.platform, a.attributes AS app_attributes"
        " FROM sns_platform_endpoints e JOIN sns_platform_applications a ON a.arn = e.application_arn"
        " WHERE e.arn = ?",
        (arn,),
    )
    if row is None:
        return None
    attributes = json.loads(row["attributes"])
    app_attributes = json.loads(row["app_attributes"])
    return {
        "arn": row["arn"],
        "application_arn": row["application_arn"],
        "platform": row["platform"],
        "token": row["token"],
        "enabled": attributes.get("Enabled", "true") == "true",
        "application_enabled": app_attributes.get("Enabled", "true") == "true",
        "custom_user_data": attributes.get("CustomUserData"),
    }


# ---------------------------------------------------------------------- ARNs


def check_arn(arn: str, parameter: str, kind: str) -> None:
    """AWS's checks of an application ("app") or endpoint ARN's shape, before any lookup."""
    elements = arn.split(":") if arn else [""]
    if len(elements) < 6:
        raise invalid(f"{parameter} Reason: An ARN must have at least 6 elements, not {len(elements)}")
    relative = arn.split(":", 5)[5]
    slashes = 2 if kind == "app" else 3
    if relative.count("/") != slashes:
        raise invalid(f"{parameter} Reason: Wrong number of slashes in relative portion of the ARN.")


def _owned(ctx: RequestContext, arn: str) -> bool:
    """Whether the ARN names the caller's account and region (anything else is not found here)."""
    parts = arn.split(":", 5)
    return len(parts) == 6 and parts[3] == ctx.region and parts[4] == ctx.account_id


# ---------------------------------------------------------------------- attribute rules


def _check_name(name: str) -> None:
    # AWS names the offending value, not the parameter, in this message (even when it is empty).
    if not name:
        raise invalid(f"{name} Reason: cannot be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise invalid(f"{name} Reason: must be at most 256 characters long")
    if not NAME_PATTERN.fullmatch(name):
        raise invalid(
            f"{name} Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'"
        )


def _bad_value(name: str, reason: str) -> InvalidParameter:
    return invalid(f"Attributes Reason: Invalid value for attribute: {name}: {reason}")


def _check_application_values(attributes: dict[str, str]) -> None:
    """Names and values of platform application attributes ("" clears one and is not checked)."""
    for name, value in attributes.items():
        if name not in APPLICATION_ATTRIBUTES:
            raise invalid(f"Attributes Reason: Invalid attribute name: {name}")
        if value == "":
            continue
        if name == "SuccessFeedbackSampleRate":
            if not (SAMPLE_RATE.fullmatch(value) and int(value) <= 100):
                raise _bad_value(name, f"{value} value provided is not an integer between 0-100")
        elif name in EVENT_TOPIC_ATTRIBUTES and not TOPIC_ARN.fullmatch(value):
            raise _bad_value(name, "must be an SNS topic ARN")
        elif name in ROLE_ATTRIBUTES and not ROLE_ARN.fullmatch(value):
            raise _bad_value(name, "must be an IAM role ARN")


def _check_credentials(platform: str, attributes: dict[str, str]) -> None:
    """The credential attributes CreatePlatformApplication requires for the platform."""
    has_principal = "PlatformPrincipal" in attributes
    has_credential = "PlatformCredential" in attributes
    if has_principal and not has_credential:
        raise invalid("Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential")
    if platform == "GCM":  # FCM has no principal: the credential is an API key or a service-account JSON
        if not has_credential:
            raise invalid("Attributes Reason: PlatformCredential attribute required")
        return
    if has_credential and not has_principal:
        raise invalid("Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal")
    if not has_credential:
        raise invalid("Attributes Reason: PlatformCredential attribute required")
    if platform in APPLE_PLATFORMS and any(name in attributes for name in APPLE_TOKEN_ATTRIBUTES):
        # Token-based APNs: the principal is the signing key id, the credential the signing key.
        for name in APPLE_TOKEN_ATTRIBUTES:
            if name not in attributes:
                raise invalid(f"Attributes Reason: {name} attribute required")


def _certificate_expiry(pem: str) -> str | None:
    """notAfter of an APNs SSL certificate given as PEM, as AWS reports it; None if not a certificate."""
    if "-----BEGIN CERTIFICATE-----" not in pem:
        return None
    try:
        from cryptography import x509

        certificate = x509.load_pem_x509_certificate(pem.encode())
    except (ValueError, TypeError):
        return None
    expiry = certificate.not_valid_after_utc.astimezone(dt.UTC)
    return expiry.strftime("%Y-%m-%dT%H:%M:%SZ")


def _authentication_method(platform: str, attributes: dict[str, str]) -> str | None:
    if platform in APPLE_PLATFORMS:
        return "Token" if "ApplePlatformTeamID" in attributes else "Certificate"
    if platform == "GCM":
        try:
            document = json.loads(attributes.get("PlatformCredential", ""))
        except ValueError:
            return "Key"
        return "Token" if isinstance(document, dict) else "Key"
    return None


def _visible_application_attributes(platform: str, stored: dict[str, str]) -> dict[str, str]:
    """What GetPlatformApplicationAttributes shows: never the credentials."""
    shown = {name: value for name, value in stored.items() if name not in CREDENTIALS}
    shown.setdefault("Enabled", "true")
    method = _authentication_method(platform, stored)
    if method is not None:
        shown["AuthenticationMethod"] = method
    if platform in APPLE_PLATFORMS and method == "Certificate":
        expiry = _certificate_expiry(stored.get("PlatformPrincipal", ""))
        if expiry is not None:
            shown["AppleCertificateExpiryDate"] = expiry
    return shown


def _settable(stored: dict[str, str]) -> dict[str, str]:
    """The attributes a caller set (Enabled is SNS's own)."""
    return {name: value for name, value in stored.items() if name != "Enabled"}


def _check_endpoint_attributes(platform: str, attributes: dict[str, str]) -> dict[str, str]:
    """Validated endpoint attributes, Enabled normalised to "true"/"false"."""
    allowed = (
        ENDPOINT_ATTRIBUTES | set(BAIDU_ENDPOINT_ATTRIBUTES) if platform == "BAIDU" else ENDPOINT_ATTRIBUTES
    )
    checked = {}
    for name, value in attributes.items():
        if name not in allowed:
            raise invalid(f"Attributes Reason: Invalid attribute name: {name}")
        if name == "Token" and value == "":
            raise _bad_value(name, "cannot be empty")
        if name == "Enabled":
            if value.lower() not in ("true", "false"):
                raise _bad_value(name, "must be a boolean value")
            value = value.lower()
        if name == "CustomUserData" and len(value.encode()) > MAX_CUSTOM_USER_DATA_BYTES:
            raise _bad_value(name, "must be at most 2048 bytes long in UTF-8 encoding")
        checked[name] = value
    return checked


def _requested_endpoint(platform: str, req: dict) -> dict[str, str]:
    """The attributes a CreatePlatformEndpoint request asks for, defaults included."""
    token = req.get("Token") or ""
    if token == "":
        raise invalid("Token Reason: cannot be empty")
    custom_user_data = req.get("CustomUserData")
    if custom_user_data is not None and len(custom_user_data.encode()) > MAX_CUSTOM_USER_DATA_BYTES:
        raise invalid("CustomUserData Reason: must be at most 2048 bytes long in UTF-8 encoding")
    attributes = {"Enabled": "true", "Token": token}
    if custom_user_data:
        attributes["CustomUserData"] = custom_user_data
    # An attribute wins over the parameter of the same name.
    attributes.update(_check_endpoint_attributes(platform, dict(req.get("Attributes") or {})))
    if attributes.get("CustomUserData") == "":
        del attributes["CustomUserData"]
    if platform == "BAIDU":
        for name in BAIDU_ENDPOINT_ATTRIBUTES:
            if not attributes.get(name):
                raise invalid(f"Attributes Reason: {name} attribute required")
    return attributes


def _visible_endpoint_attributes(platform: str, stored: dict[str, str]) -> dict[str, str]:
    shown = dict(stored)
    if platform in APPLE_PLATFORMS and "Token" in shown:
        # AWS: "The device token for the iOS platform is returned in lowercase."
        shown["Token"] = shown["Token"].lower()
    return shown


# ---------------------------------------------------------------------- the operations


class PlatformOperations:
    def db(self) -> Database:  # pragma: no cover - SnsProvider overrides it
        raise NotImplementedError

    def _application(self, ctx: RequestContext, arn: str):
        check_arn(arn, "PlatformApplicationArn", "app")
        if not _owned(ctx, arn):
            raise NotFound(APPLICATION_NOT_FOUND)
        row = self.db().query_one("SELECT * FROM sns_platform_applications WHERE arn = ?", (arn,))
        if row is None:
            raise NotFound(APPLICATION_NOT_FOUND)
        return row

    def _endpoint(self, ctx: RequestContext, arn: str):
        check_arn(arn, "EndpointArn", "endpoint")
        if not _owned(ctx, arn):
            raise NotFound(ENDPOINT_NOT_FOUND)
        row = self.db().query_one(
            "SELECT e.*, a.platform FROM sns_platform_endpoints e"
            " JOIN sns_platform_applications a ON a.arn = e.application_arn WHERE e.arn = ?",
            (arn,),
        )
        if row is None:
            raise NotFound(ENDPOINT_NOT_FOUND)
        return row

    # ------------------------------------------------------------------ applications

    def create_platform_application(self, ctx: RequestContext, req: dict) -> dict:
        name, platform = req["Name"], req["Platform"]
        _check_name(name)
        if platform not in PLATFORMS:
            raise invalid(f"Platform Reason: {platform} is not supported")
        # An empty value is no value (GCM applications often carry an empty principal).
        given = {key: value for key, value in (req.get("Attributes") or {}).items() if value != ""}
        _check_application_values(given)
        _check_credentials(platform, given)
        arn = f"arn:{ctx.partition}:sns:{ctx.region}:{ctx.account_id}:app/{platform}/{name}"
        db = self.db()
        with db.transaction():
            row = db.query_one("SELECT attributes FROM sns_platform_applications WHERE arn = ?", (arn,))
            if row is not None:
                # The same request again answers the same ARN; anything else is a conflict.
                if _settable(json.loads(row["attributes"])) != given:
                    raise invalid(
                        "Name Reason: An application with the same name but different properties already exists"
                    )
                return {"PlatformApplicationArn": arn}
            db.execute(
                "INSERT INTO sns_platform_applications (arn, account_id, region, name, platform, attributes, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    arn,
                    ctx.account_id,
                    ctx.region,
                    name,
                    platform,
                    json.dumps({**given, "Enabled": "true"}),
                    now(ctx),
                ),
            )
        return {"PlatformApplicationArn": arn}

    def get_platform_application_attributes(self, ctx: RequestContext, req: dict) -> dict:
        row = self._application(ctx, req["PlatformApplicationArn"])
        return {"Attributes": _visible_application_attributes(row["platform"], json.loads(row["attributes"]))}

    def set_platform_application_attributes(self, ctx: RequestContext, req: dict) -> dict:
        given = dict(req.get("Attributes") or {})
        _check_application_values(given)
        db = self.db()
        with db.transaction():
            row = self._application(ctx, req["PlatformApplicationArn"])
            stored = json.loads(row["attributes"])
            for name, value in given.items():
                if value != "":
                    stored[name] = value
                elif name == "PlatformCredential" or (
                    name == "PlatformPrincipal" and row["platform"] != "GCM"
                ):
                    raise _bad_value(name, "cannot be empty")  # the application could not push any more
                else:
                    stored.pop(name, None)  # an empty value clears an optional attribute
            db.execute(
                "UPDATE sns_platform_applications SET attributes = ? WHERE arn = ?",
                (json.dumps(stored), row["arn"]),
            )
        return {}

    def delete_platform_application(self, ctx: RequestContext, req: dict) -> dict:
        arn = req["PlatformApplicationArn"]
        check_arn(arn, "PlatformApplicationArn", "app")
        if not _owned(ctx, arn):
            return {}  # idempotent: nothing of the caller's by that name
        db = self.db()
        with db.transaction():
            db.execute("DELETE FROM sns_platform_endpoints WHERE application_arn = ?", (arn,))
            db.execute("DELETE FROM sns_platform_applications WHERE arn = ?", (arn,))
        return {}

    def list_platform_applications(self, ctx: RequestContext, req: dict) -> dict:
        rows = self.db().query(
            "SELECT rowid AS position, arn, platform, attributes FROM sns_platform_applications"
            " WHERE account_id = ? AND region = ? AND rowid > ? ORDER BY rowid LIMIT ?",
            (ctx.account_id, ctx.region, decode_token(req.get("NextToken")), PAGE_SIZE + 1),
        )
        rows, next_token = page(rows, PAGE_SIZE, lambda row: row["position"])
        output: dict = {
            "PlatformApplications": [
                {
                    "PlatformApplicationArn": row["arn"],
                    "Attributes": _visible_application_attributes(
                        row["platform"], json.loads(row["attributes"])
                    ),
                }
                for row in rows
            ]
        }
        if next_token:
            output["NextToken"] = next_token
        return output

    # ------------------------------------------------------------------ endpoints

    def create_platform_endpoint(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            application = self._application(ctx, req["PlatformApplicationArn"])
            attributes = _requested_endpoint(application["platform"], req)
            token = attributes["Token"]
            existing = db.query_one(
                "SELECT arn, attributes FROM sns_platform_endpoints WHERE application_arn = ? AND token = ?",
                (application["arn"], token),
            )
            if existing is not None:
                # Idempotent for the same token and attributes (AWS documents it), a conflict otherwise.
                if json.loads(existing["attributes"]) != attributes:
                    raise invalid(
                        f"Token Reason: Endpoint {existing['arn']} already exists with the same Token, "
                        "but different attributes."
                    )
                return {"EndpointArn": existing["arn"]}
            arn = (
                f"arn:{ctx.partition}:sns:{ctx.region}:{ctx.account_id}:"
                f"endpoint/{application['platform']}/{application['name']}/{uuid.uuid4()}"
            )
            db.execute(
                "INSERT INTO sns_platform_endpoints (arn, application_arn, token, attributes, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (arn, application["arn"], token, json.dumps(attributes), now(ctx)),
            )
        return {"EndpointArn": arn}

    def get_endpoint_attributes(self, ctx: RequestContext, req: dict) -> dict:
        row = self._endpoint(ctx, req["EndpointArn"])
        return {"Attributes": _visible_endpoint_attributes(row["platform"], json.loads(row["attributes"]))}

    def set_endpoint_attributes(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            row = self._endpoint(ctx, req["EndpointArn"])
            given = _check_endpoint_attributes(row["platform"], dict(req.get("Attributes") or {}))
            stored = json.loads(row["attributes"])
            for name, value in given.items():
                if value == "":  # only optional ones can be empty (CustomUserData, Baidu's ids)
                    stored.pop(name, None)
                else:
                    stored[name] = value
            db.execute(
                "UPDATE sns_platform_endpoints SET attributes = ?, token = ? WHERE arn = ?",
                (json.dumps(stored), stored["Token"], row["arn"]),
            )
        return {}

    def delete_endpoint(self, ctx: RequestContext, req: dict) -> dict:
        arn = req["EndpointArn"]
        check_arn(arn, "EndpointArn", "endpoint")
        if _owned(ctx, arn):  # idempotent: deleting what is not there succeeds
            db = self.db()
            with db.transaction():
                db.execute("DELETE FROM sns_platform_endpoints WHERE arn = ?", (arn,))
        return {}

    def list_endpoints_by_platform_application(self, ctx: RequestContext, req: dict) -> dict:
        application = self._application(ctx, req["PlatformApplicationArn"])
        rows = self.db().query(
            "SELECT rowid AS position, arn, attributes FROM sns_platform_endpoints"
            " WHERE application_arn = ? AND rowid > ? ORDER BY rowid LIMIT ?",
            (application["arn"], decode_token(req.get("NextToken")), PAGE_SIZE + 1),
        )
        rows, next_token = page(rows, PAGE_SIZE, lambda row: row["position"])
        output: dict = {
            "Endpoints": [
                {
                    "EndpointArn": row["arn"],
                    "Attributes": _visible_endpoint_attributes(
                        application["platform"], json.loads(row["attributes"])
                    ),
                }
                for row in rows
            ]
        }
        if next_token:
            output["NextToken"] = next_token
        return output
