"""What every S3 module shares: S3's errors (XML `<Error>` with the resource named) and helpers."""

from __future__ import annotations

import json

from stratus.protocol.errors import ServiceError


class S3Error(ServiceError):
    status = 400


def _error(code: str, status: int, message: str) -> type[S3Error]:
    return type(code, (S3Error,), {"code": code, "status": status, "default_message": message})


NoSuchBucket = _error("NoSuchBucket", 404, "The specified bucket does not exist")
NoSuchKey = _error("NoSuchKey", 404, "The specified key does not exist.")
NoSuchVersion = _error("NoSuchVersion", 404, "The specified version does not exist.")
NoSuchUpload = _error(
    "NoSuchUpload",
    404,
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
)
BucketAlreadyExists = _error(
    "BucketAlreadyExists",
    409,
    "The requested bucket name is not available. The bucket namespace is shared by all users of the system. "
    "Please select a different name and try again.",
)
BucketAlreadyOwnedByYou = _error(
    "BucketAlreadyOwnedByYou",
    409,
    "Your previous request to create the named bucket succeeded and you already own it.",
)
BucketNotEmpty = _error("BucketNotEmpty", 409, "The bucket you tried to delete is not empty")
InvalidBucketName = _error("InvalidBucketName", 400, "The specified bucket is not valid.")
InvalidArgument = _error("InvalidArgument", 400, "Invalid Argument")
InvalidRequest = _error("InvalidRequest", 400, "Invalid Request")
InvalidRange = _error("InvalidRange", 416, "The requested range is not satisfiable")
PreconditionFailed = _error(
    "PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold"
)
NotModified = _error("NotModified", 304, "Not Modified")
MalformedXML = _error(
    "MalformedXML",
    400,
    "The XML you provided was not well-formed or did not validate against our published schema",
)
EntityTooLarge = _error("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size")
MethodNotAllowed = _error(
    "MethodNotAllowed", 405, "The specified method is not allowed against this resource."
)
IllegalLocationConstraint = _error(
    "IllegalLocationConstraintException",
    400,
    "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.",
)
InvalidLocationConstraint = _error(
    "InvalidLocationConstraint", 400, "The specified location-constraint is not valid"
)
BadDigest = _error("BadDigest", 400, "The Content-MD5 you specified did not match what we received.")
InvalidDigest = _error("InvalidDigest", 400, "The Content-MD5 you specified was invalid.")
AccessDenied = _error("AccessDenied", 403, "Access Denied")


def s3_error(error_class: type[S3Error], message: str | None = None, **fields: object) -> S3Error:
    """An S3 error with AWS's default message for its code and the members S3 adds (BucketName, Key...)."""
    return error_class(message or error_class.default_message, **fields)  # type: ignore[attr-defined]


def loads(text: str | None, default: object = None) -> object:
    return json.loads(text) if text else default


def dumps(document: object) -> str:
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


InvalidBucketState = _error(
    "InvalidBucketState", 409, "The request is not valid with the current state of the bucket."
)
