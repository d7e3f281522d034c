"""Rows to the output structures AWS returns (User, Group, Role, InstanceProfile).

List operations return fewer members than Get operations (AWS leaves out tags, boundaries and
last-used data from ListUsers/ListRoles), hence the `full` switches.
"""

from __future__ import annotations

from stratus.services.iam.common import encode_document
from stratus.services.iam.entities import read_tags
from stratus.services.iam.store import from_text
from stratus.store.sqlite import Database, Row


def boundary_shape(boundary_arn: str | None) -> dict | None:
    if not boundary_arn:
        return None
    return {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": boundary_arn}


def user_shape(db: Database, row: Row, *, full: bool = True) -> dict:
    shape = {
        "Path": row["path"],
        "UserName": row["user_name"],
        "UserId": row["user_id"],
        "Arn": row["arn"],
        "CreateDate": from_text(row["create_date"]),
    }
    if row["password_last_used"]:
        shape["PasswordLastUsed"] = from_text(row["password_last_used"])
    if full:
        boundary = boundary_shape(row["boundary_arn"])
        if boundary:
            shape["PermissionsBoundary"] = boundary
        tags = read_tags(db, row["account_id"], "user", row["user_id"])
        if tags:
            shape["Tags"] = tags
    return shape


def group_shape(row: Row) -> dict:
    return {
        "Path": row["path"],
        "GroupName": row["group_name"],
        "GroupId": row["group_id"],
        "Arn": row["arn"],
        "CreateDate": from_text(row["create_date"]),
    }


def role_shape(db: Database, row: Row, *, full: bool = True) -> dict:
    shape = {
        "Path": row["path"],
        "RoleName": row["role_name"],
        "RoleId": row["role_id"],
        "Arn": row["arn"],
        "CreateDate": from_text(row["create_date"]),
        "AssumeRolePolicyDocument": encode_document(row["trust_policy"]),
        "MaxSessionDuration": row["max_session_duration"],
    }
    if row["description"] is not None:
        shape["Description"] = row["description"]
    if full:
        boundary = boundary_shape(row["boundary_arn"])
        if boundary:
            shape["PermissionsBoundary"] = boundary
        tags = read_tags(db, row["account_id"], "role", row["role_id"])
        if tags:
            shape["Tags"] = tags
        shape["RoleLastUsed"] = role_last_used(row)
    return shape


def role_last_used(row: Row) -> dict:
    if not row["last_used_date"]:
        return {}
    return {"LastUsedDate": from_text(row["last_used_date"]), "Region": row["last_used_region"]}


def instance_profile_shape(db: Database, row: Row, *, tags: bool = True) -> dict:
    roles = db.query(
        "SELECT r.* FROM iam_instance_profile_roles p JOIN iam_roles r "
        "ON r.account_id = p.account_id AND r.role_id = p.role_id "
        "WHERE p.account_id = ? AND p.profile_id = ? ORDER BY r.role_name",
        (row["account_id"], row["profile_id"]),
    )
    shape = {
        "Path": row["path"],
        "InstanceProfileName": row["profile_name"],
        "InstanceProfileId": row["profile_id"],
        "Arn": row["arn"],
        "CreateDate": from_text(row["create_date"]),
        "Roles": [role_shape(db, role, full=False) for role in roles],
    }
    if tags:
        found = read_tags(db, row["account_id"], "instance-profile", row["profile_id"])
        if found:
            shape["Tags"] = found
    return shape
