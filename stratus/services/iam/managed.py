"""Managed policies as one kind of thing, whether the account's own (in iam_policies) or AWS's
(in code, the same in every account), plus the per-account counts AWS reports for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from stratus.services.iam.checks import check_policy_arn
from stratus.services.iam.common import NoSuchEntity
from stratus.services.iam.managed_policies import aws_managed_policies, aws_managed_policy
from stratus.services.iam.store import from_text
from stratus.store.sqlite import Database, Row


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    arn: str
    name: str
    path: str
    policy_id: str
    description: str | None
    default_version_id: str
    create_date: datetime
    update_date: datetime
    aws_managed: bool
    aws_document: str | None = None  # AWS managed policies carry their one version's document


def _from_row(row: Row) -> ManagedPolicy:
    return ManagedPolicy(
        arn=row["arn"],
        name=row["policy_name"],
        path=row["path"],
        policy_id=row["policy_id"],
        description=row["description"],
        default_version_id=row["default_version_id"],
        create_date=from_text(row["create_date"]),  # type: ignore[arg-type]
        update_date=from_text(row["update_date"]),  # type: ignore[arg-type]
        aws_managed=False,
    )


def _from_aws(arn: str) -> ManagedPolicy | None:
    policy = aws_managed_policy(arn)
    if policy is None:
        return None
    return ManagedPolicy(
        arn=policy.arn,
        name=policy.name,
        path=policy.path,
        policy_id=policy.policy_id,
        description=policy.description or None,
        default_version_id=policy.default_version_id,
        create_date=policy.create_date,
        update_date=policy.update_date,
        aws_managed=True,
        aws_document=policy.document,
    )


def find_policy(db: Database, account_id: str, arn: str) -> ManagedPolicy | None:
    """A customer managed policy of this account or an AWS managed policy, by ARN."""
    if arn.startswith("arn:aws:iam::aws:policy/"):
        return _from_aws(arn)
    row = db.query_one("SELECT * FROM iam_policies WHERE account_id = ? AND arn = ?", (account_id, arn))
    return _from_row(row) if row else None


def require_policy(db: Database, account_id: str, arn: str) -> ManagedPolicy:
    policy = find_policy(db, account_id, arn)
    if policy is None:
        raise NoSuchEntity(f"Policy {arn} was not found.")
    return policy


def require_attachable(db: Database, account_id: str, arn: str) -> ManagedPolicy:
    policy = find_policy(db, account_id, arn)
    if policy is None:
        raise NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")
    return policy


def customer_policies(db: Database, account_id: str) -> list[ManagedPolicy]:
    rows = db.query("SELECT * FROM iam_policies WHERE account_id = ? ORDER BY policy_name", (account_id,))
    return [_from_row(row) for row in rows]


def every_aws_policy() -> list[ManagedPolicy]:
    return [policy for arn in aws_managed_policies() if (policy := _from_aws(arn)) is not None]


def version_document(db: Database, account_id: str, policy: ManagedPolicy, version_id: str) -> str | None:
    if policy.aws_managed:
        return policy.aws_document if version_id == policy.default_version_id else None
    row = db.query_one(
        "SELECT document FROM iam_policy_versions WHERE account_id = ? AND policy_id = ? AND version_id = ?",
        (account_id, policy.policy_id, version_id),
    )
    return row["document"] if row else None


def default_document(db: Database, account_id: str, policy: ManagedPolicy) -> str:
    return version_document(db, account_id, policy, policy.default_version_id) or ""


def attachment_count(db: Database, account_id: str, arn: str) -> int:
    row = db.query_one(
        "SELECT COUNT(*) AS n FROM iam_attachments WHERE account_id = ? AND policy_arn = ?", (account_id, arn)
    )
    return int(row["n"]) if row else 0


def boundary_usage_count(db: Database, account_id: str, arn: str) -> int:
    row = db.query_one(
        "SELECT (SELECT COUNT(*) FROM iam_users WHERE account_id = ? AND boundary_arn = ?) "
        "+ (SELECT COUNT(*) FROM iam_roles WHERE account_id = ? AND boundary_arn = ?) AS n",
        (account_id, arn, account_id, arn),
    )
    return int(row["n"]) if row else 0


def attached_arns(db: Database, account_id: str, entity_type: str, entity_id: str) -> list[str]:
    rows = db.query(
        "SELECT policy_arn FROM iam_attachments WHERE account_id = ? AND entity_type = ? AND entity_id = ? "
        "ORDER BY attached_at, policy_arn",
        (account_id, entity_type, entity_id),
    )
    return [row["policy_arn"] for row in rows]


def attached_policies(
    db: Database, account_id: str, entity_type: str, entity_id: str, path_prefix: str | None = None
) -> list[dict]:
    """`[{"PolicyName", "PolicyArn"}]` of the managed policies attached to one entity."""
    attached = []
    for arn in attached_arns(db, account_id, entity_type, entity_id):
        policy = find_policy(db, account_id, arn)
        if policy is None or (path_prefix and not policy.path.startswith(path_prefix)):
            continue
        attached.append({"PolicyName": policy.name, "PolicyArn": arn})
    return attached


def policy_shape(db: Database, account_id: str, policy: ManagedPolicy, *, description: bool = True) -> dict:
    """The `Policy` structure (GetPolicy, CreatePolicy, ListPolicies without the description)."""
    shape = {
        "PolicyName": policy.name,
        "PolicyId": policy.policy_id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": policy.default_version_id,
        "AttachmentCount": attachment_count(db, account_id, policy.arn),
        "PermissionsBoundaryUsageCount": boundary_usage_count(db, account_id, policy.arn),
        "IsAttachable": True,
        "CreateDate": policy.create_date,
        "UpdateDate": policy.update_date,
    }
    if description and policy.description:
        shape["Description"] = policy.description
    return shape


def require_boundary(db: Database, account_id: str, arn: str) -> str:
    """A permissions boundary must be the ARN of a managed policy that exists."""
    check_policy_arn(arn)
    require_attachable(db, account_id, arn)
    return arn
