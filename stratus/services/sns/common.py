"""What every SNS module shares: AWS's SNS errors (query protocol codes) and ARN helpers."""

from __future__ import annotations

from stratus.protocol.errors import ServiceError


class InvalidParameter(ServiceError):
    code = "InvalidParameter"
    status = 400


class InvalidParameterValue(ServiceError):
    # The model's InvalidParameterValueException: wire code ParameterValueInvalid
    code = "ParameterValueInvalid"
    status = 400


class NotFound(ServiceError):
    code = "NotFound"
    status = 404


class ResourceNotFound(ServiceError):
    code = "ResourceNotFound"
    status = 404


class AuthorizationError(ServiceError):
    code = "AuthorizationError"
    status = 403


class EndpointDisabled(ServiceError):
    code = "EndpointDisabled"
    status = 400


class PlatformApplicationDisabled(ServiceError):
    code = "PlatformApplicationDisabled"
    status = 400


class OptedOut(ServiceError):
    code = "OptedOut"
    status = 400


class TagLimitExceeded(ServiceError):
    code = "TagLimitExceeded"
    status = 400


class ValidationException(ServiceError):
    code = "ValidationException"
    status = 400


class VerificationException(ServiceError):
    code = "VerificationException"
    status = 400


class UserError(ServiceError):
    code = "UserError"
    status = 400


def invalid(reason: str) -> InvalidParameter:
    """AWS's usual shape: `Invalid parameter: <reason>`."""
    return InvalidParameter(f"Invalid parameter: {reason}")


def parse_sns_arn(arn: str) -> tuple[str, str, str] | None:
    """(region, account id, resource) of an `arn:<partition>:sns:<region>:<account>:<resource>`, or None."""
    parts = arn.split(":", 5) if isinstance(arn, str) else []
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sns" or not parts[3] or not parts[5]:
        return None
    if not (len(parts[4]) == 12 and parts[4].isdigit()):
        return None
    return parts[3], parts[4], parts[5]


def now(ctx) -> float:
    return ctx.time.timestamp()


def authenticated(ctx) -> bool:
    """Whether the caller signed the request (the SubscribeURL/UnsubscribeURL links are unsigned GETs)."""
    if ctx.principal.type == "Anonymous":
        return False
    request = ctx.request
    if request is None:  # a call from another service
        return True
    return "authorization" in request.headers or "X-Amz-Signature" in request.query
