"""The errors of backups, restores, exports and imports (awsJson 1.0 `__type` names), and the ids
and ARNs of their jobs: `table/<name>/<backup|export|import>/<14-digit epoch ms>-<8 hex>`."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.dynamodb.common import ValidationException


class TableNotFoundException(ServiceError):
    code = "TableNotFoundException"


class TableAlreadyExistsException(ServiceError):
    code = "TableAlreadyExistsException"


class TableInUseException(ServiceError):
    code = "TableInUseException"


class BackupNotFoundException(ServiceError):
    code = "BackupNotFoundException"


class BackupInUseException(ServiceError):
    code = "BackupInUseException"


class PointInTimeRecoveryUnavailableException(ServiceError):
    code = "PointInTimeRecoveryUnavailableException"


class InvalidRestoreTimeException(ServiceError):
    code = "InvalidRestoreTimeException"


class InvalidExportTimeException(ServiceError):
    code = "InvalidExportTimeException"


class ExportNotFoundException(ServiceError):
    code = "ExportNotFoundException"


class ExportConflictException(ServiceError):
    code = "ExportConflictException"


class ImportNotFoundException(ServiceError):
    code = "ImportNotFoundException"


class ImportConflictException(ServiceError):
    code = "ImportConflictException"


class AccessDeniedException(ServiceError):
    code = "AccessDeniedException"


def pitr_unavailable(table_name: str) -> PointInTimeRecoveryUnavailableException:
    return PointInTimeRecoveryUnavailableException(
        f"Point in time recovery is not enabled for table '{table_name}'"
    )


def new_job_id(now: float) -> str:
    """`01700000000000-1a2b3c4d`: the creation time in epoch milliseconds (14 digits, as DynamoDB's
    ARNs show it), then 8 random hex digits."""
    return f"{int(now * 1000):014d}-{secrets.token_hex(4)}"


_CHILD_ARN = re.compile(
    r"arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:(?P<account>\d{12}):"
    r"(?P<resource>table/[a-zA-Z0-9_.-]{3,255}/(?P<kind>backup|export|import)/[^/]+)"
)
_TABLE_ARN = re.compile(
    r"arn:aws[a-z-]*:dynamodb:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):table/(?P<name>[a-zA-Z0-9_.-]{3,255})"
)


@dataclass(frozen=True, slots=True)
class ChildArn:
    account_id: str
    resource: str  # table/<name>/<kind>/<id>


def parse_child_arn(ctx: RequestContext, arn: str, kind: str) -> ChildArn:
    """A backup, export or import ARN. DynamoDB finds these by account and resource, ignoring the
    ARN's region (an ARN naming another region is looked up in the caller's). A malformed ARN is
    `Invalid <Kind> ARN`; another account's is AccessDeniedException."""
    match = _CHILD_ARN.fullmatch(arn)
    if match is None or match["kind"] != kind:
        raise ValidationException(f"Invalid {kind.capitalize()} ARN")
    if match["account"] != ctx.account_id:
        raise AccessDeniedException("Access is denied")
    return ChildArn(match["account"], match["resource"])


def table_of_arn(arn: str, member: str) -> tuple[str, str]:
    """(account, table name) of a table ARN (ExportTableToPointInTime's TableArn, SourceTableArn)."""
    match = _TABLE_ARN.fullmatch(arn)
    if match is None:
        raise ValidationException(f"One or more parameter values were invalid: {member} is not a valid ARN")
    return match["account"], match["name"]
