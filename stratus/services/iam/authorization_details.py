"""GetAccountAuthorizationDetails: every user, group, role and managed policy with its policies."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.iam.common import encode_document
from stratus.services.iam.entities import GROUP, ROLE, USER, all_of, read_tags
from stratus.services.iam.groups import groups_of_user
from stratus.services.iam.inline_policies import inline_policies
from stratus.services.iam.managed import (
    ManagedPolicy,
    attached_policies,
    customer_policies,
    find_policy,
    policy_shape,
)
from stratus.services.iam.mixin import IamMixin
from stratus.services.iam.policies import policy_versions
from stratus.services.iam.shapes import (
    boundary_shape,
    group_shape,
    instance_profile_shape,
    role_last_used,
    role_shape,
)
from stratus.services.iam.store import from_text
from stratus.store.sqlite import Database, Row

ALL_FILTERS = ("User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")
_LISTS = {
    "User": "UserDetailList",
    "Group": "GroupDetailList",
    "Role": "RoleDetailList",
    "LocalManagedPolicy": "Policies",
    "AWSManagedPolicy": "Policies",
}


def _inline(db: Database, account_id: str, kind: str, entity_id: str) -> list[dict]:
    return [
        {"PolicyName": row["policy_name"], "PolicyDocument": encode_document(row["document"])}
        for row in inline_policies(db, account_id, kind, entity_id)
    ]


def user_detail(db: Database, account_id: str, row: Row) -> dict:
    detail = {
        "Path": row["path"],
        "UserName": row["user_name"],
        "UserId": row["user_id"],
        "Arn": row["arn"],
        "CreateDate": from_text(row["create_date"]),
        "UserPolicyList": _inline(db, account_id, "user", row["user_id"]),
        "GroupList": [group["group_name"] for group in groups_of_user(db, account_id, row["user_id"])],
        "AttachedManagedPolicies": attached_policies(db, account_id, "user", row["user_id"]),
        "Tags": read_tags(db, account_id, "user", row["user_id"]),
    }
    boundary = boundary_shape(row["boundary_arn"])
    if boundary:
        detail["PermissionsBoundary"] = boundary
    return detail


def group_detail(db: Database, account_id: str, row: Row) -> dict:
    return {
        **group_shape(row),
        "GroupPolicyList": _inline(db, account_id, "group", row["group_id"]),
        "AttachedManagedPolicies": attached_policies(db, account_id, "group", row["group_id"]),
    }


def role_detail(db: Database, account_id: str, row: Row) -> dict:
    profiles = db.query(
        "SELECT p.* FROM iam_instance_profile_roles r JOIN iam_instance_profiles p "
        "ON p.account_id = r.account_id AND p.profile_id = r.profile_id "
        "WHERE r.account_id = ? AND r.role_id = ? ORDER BY p.profile_name",
        (account_id, row["role_id"]),
    )
    detail = role_shape(db, row, full=False)
    detail.pop("MaxSessionDuration", None)
    detail.pop("Description", None)
    detail.update(
        {
            "InstanceProfileList": [instance_profile_shape(db, profile) for profile in profiles],
            "RolePolicyList": _inline(db, account_id, "role", row["role_id"]),
            "AttachedManagedPolicies": attached_policies(db, account_id, "role", row["role_id"]),
            "Tags": read_tags(db, account_id, "role", row["role_id"]),
            "RoleLastUsed": role_last_used(row),
        }
    )
    boundary = boundary_shape(row["boundary_arn"])
    if boundary:
        detail["PermissionsBoundary"] = boundary
    return detail


def policy_detail(db: Database, account_id: str, policy: ManagedPolicy) -> dict:
    return {
        **policy_shape(db, account_id, policy),
        "PolicyVersionList": policy_versions(db, account_id, policy, documents=True),
    }


def aws_policies_in_use(db: Database, account_id: str) -> list[ManagedPolicy]:
    """AWS's report lists the AWS managed policies the account uses, not all of them."""
    rows = db.query(
        "SELECT policy_arn AS arn FROM iam_attachments WHERE account_id = ? AND policy_arn LIKE 'arn:aws:iam::aws:%' "
        "UNION SELECT boundary_arn FROM iam_users WHERE account_id = ? AND boundary_arn LIKE 'arn:aws:iam::aws:%' "
        "UNION SELECT boundary_arn FROM iam_roles WHERE account_id = ? AND boundary_arn LIKE 'arn:aws:iam::aws:%'",
        (account_id, account_id, account_id),
    )
    found = [find_policy(db, account_id, row["arn"]) for row in rows]
    return sorted((policy for policy in found if policy is not None), key=lambda policy: policy.name.lower())


class AuthorizationDetailsOperations(IamMixin):
    def get_account_authorization_details(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        account_id = ctx.account_id
        filters = req.get("Filter") or list(ALL_FILTERS)
        # Rows are gathered first and detailed only for the page asked for.
        entries: list[tuple[str, object]] = []
        if "User" in filters:
            entries += [("User", row) for row in all_of(db, USER, account_id)]
        if "Group" in filters:
            entries += [("Group", row) for row in all_of(db, GROUP, account_id)]
        if "Role" in filters:
            entries += [("Role", row) for row in all_of(db, ROLE, account_id)]
        if "LocalManagedPolicy" in filters:
            entries += [("LocalManagedPolicy", policy) for policy in customer_policies(db, account_id)]
        if "AWSManagedPolicy" in filters:
            entries += [("AWSManagedPolicy", policy) for policy in aws_policies_in_use(db, account_id)]
        page = self.page(entries, req, "Entries")
        output: dict = {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
        detail = {"User": user_detail, "Group": group_detail, "Role": role_detail}
        for kind, item in page.pop("Entries"):
            if kind in detail:
                shape = detail[kind](db, account_id, item)
            else:
                shape = policy_detail(db, account_id, item)  # type: ignore[arg-type]
            output[_LISTS[kind]].append(shape)
        return {**output, **page}
