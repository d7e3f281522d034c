"""Managed policies: create, read, list, delete, versions, tags, and who uses them."""

from __future__ import annotations

from datetime import datetime

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.iam.checks import check_managed_policy_document, check_name, check_tag_keys, check_tags
from stratus.services.iam.common import (
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    NoSuchEntity,
    encode_document,
    unique_id,
    validate_path,
)
from stratus.services.iam.entities import drop_tags, read_tags, remove_tags, write_tags
from stratus.services.iam.managed import (
    ManagedPolicy,
    attachment_count,
    boundary_usage_count,
    customer_policies,
    every_aws_policy,
    policy_shape,
    require_policy,
)
from stratus.services.iam.mixin import IamMixin
from stratus.services.iam.store import from_text
from stratus.store.sqlite import Database, Row

MAX_VERSIONS = 5


def aws_owned(ctx: RequestContext, policy: ManagedPolicy, action: str) -> ServiceError:
    """AWS managed policies belong to AWS's account: changing one is denied like any other
    account's resource."""
    return ServiceError(
        f"User: {ctx.principal.arn} is not authorized to perform: iam:{action} on resource: policy {policy.arn}",
        code="AccessDenied",
        status=403,
    )


def _versions(db: Database, account_id: str, policy_id: str) -> list[Row]:
    rows = db.query(
        "SELECT version_id, document, create_date FROM iam_policy_versions WHERE account_id = ? AND policy_id = ?",
        (account_id, policy_id),
    )
    return sorted(rows, key=lambda row: int(row["version_id"][1:]), reverse=True)


def version_shape(
    policy: ManagedPolicy, version_id: str, document: str | None, created: datetime | None
) -> dict:
    shape = {
        "VersionId": version_id,
        "IsDefaultVersion": version_id == policy.default_version_id,
        "CreateDate": created,
    }
    if document is not None:
        shape["Document"] = encode_document(document)
    return shape


def policy_versions(db: Database, account_id: str, policy: ManagedPolicy, *, documents: bool) -> list[dict]:
    """Every version of a policy, newest first (AWS managed policies show their default version)."""
    if policy.aws_managed:
        return [
            version_shape(
                policy,
                policy.default_version_id,
                policy.aws_document if documents else None,
                policy.update_date,
            )
        ]
    return [
        version_shape(
            policy, row["version_id"], row["document"] if documents else None, from_text(row["create_date"])
        )
        for row in _versions(db, account_id, policy.policy_id)
    ]


class PolicyOperations(IamMixin):
    def create_policy(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        name = check_name(req["PolicyName"], "policyName")
        path = validate_path(req.get("Path"))
        document = check_managed_policy_document(req["PolicyDocument"])
        tags = check_tags(req.get("Tags"))
        if db.query_one(
            "SELECT 1 FROM iam_policies WHERE account_id = ? AND policy_name = ?", (ctx.account_id, name)
        ):
            raise EntityAlreadyExists(
                f"A policy called {name} already exists. Duplicate names are not allowed."
            )
        policy_id, now = unique_id("policy"), self.now(ctx)
        arn = f"arn:{ctx.partition}:iam::{ctx.account_id}:policy{path}{name}"
        with db.transaction():
            db.execute(
                "INSERT INTO iam_policies (account_id, policy_name, policy_id, path, arn, description, "
                "default_version_id, next_version, create_date, update_date) VALUES (?, ?, ?, ?, ?, ?, 'v1', 2, ?, ?)",
                (ctx.account_id, name, policy_id, path, arn, req.get("Description"), now, now),
            )
            db.execute(
                "INSERT INTO iam_policy_versions (account_id, policy_id, version_id, document, create_date) "
                "VALUES (?, ?, 'v1', ?, ?)",
                (ctx.account_id, policy_id, document, now),
            )
            write_tags(db, ctx.account_id, "policy", policy_id, tags)
        self.changed()
        return {"Policy": self._full_shape(db, ctx.account_id, require_policy(db, ctx.account_id, arn))}

    def get_policy(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        return {
            "Policy": self._full_shape(
                db, ctx.account_id, require_policy(db, ctx.account_id, req["PolicyArn"])
            )
        }

    def _full_shape(self, db: Database, account_id: str, policy: ManagedPolicy) -> dict:
        shape = policy_shape(db, account_id, policy)
        if not policy.aws_managed:
            tags = read_tags(db, account_id, "policy", policy.policy_id)
            if tags:
                shape["Tags"] = tags
        return shape

    def list_policies(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        scope = req.get("Scope", "All")
        candidates: list[ManagedPolicy] = []
        if scope in ("All", "Local"):
            candidates += customer_policies(db, ctx.account_id)
        if scope in ("All", "AWS"):
            candidates += every_aws_policy()
        prefix = req.get("PathPrefix")
        if prefix:
            candidates = [policy for policy in candidates if policy.path.startswith(prefix)]
        if req.get("OnlyAttached"):
            usage = req.get("PolicyUsageFilter")
            attached = _usage(db, ctx.account_id, "iam_attachments", "policy_arn")
            boundaries = _boundary_usage(db, ctx.account_id)
            candidates = [
                policy
                for policy in candidates
                if (usage != "PermissionsBoundary" and attached.get(policy.arn))
                or (usage != "PermissionsPolicy" and boundaries.get(policy.arn))
            ]
        candidates.sort(key=lambda policy: policy.name.lower())
        output = self.page(candidates, req, "Policies")
        output["Policies"] = [
            policy_shape(db, ctx.account_id, policy, description=False) for policy in output["Policies"]
        ]
        return output

    def delete_policy(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        policy = require_policy(db, ctx.account_id, req["PolicyArn"])
        if policy.aws_managed:
            raise aws_owned(ctx, policy, "DeletePolicy")
        if attachment_count(db, ctx.account_id, policy.arn) or boundary_usage_count(
            db, ctx.account_id, policy.arn
        ):
            raise DeleteConflict("Cannot delete a policy attached to entities.")
        if len(_versions(db, ctx.account_id, policy.policy_id)) > 1:
            raise DeleteConflict(
                "This policy has more than one version. Before you delete a policy, you must delete the policy's "
                "versions. The default version is deleted with the policy."
            )
        params = (ctx.account_id, policy.policy_id)
        with db.transaction():
            db.execute("DELETE FROM iam_policy_versions WHERE account_id = ? AND policy_id = ?", params)
            db.execute("DELETE FROM iam_policies WHERE account_id = ? AND policy_id = ?", params)
            drop_tags(db, ctx.account_id, "policy", policy.policy_id)
        self.changed()
        return {}

    # -- versions --------------------------------------------------------------------------

    def create_policy_version(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        policy = require_policy(db, ctx.account_id, req["PolicyArn"])
        if policy.aws_managed:
            raise aws_owned(ctx, policy, "CreatePolicyVersion")
        document = check_managed_policy_document(req["PolicyDocument"])
        if len(_versions(db, ctx.account_id, policy.policy_id)) >= MAX_VERSIONS:
            raise LimitExceeded(
                f"A managed policy can have up to {MAX_VERSIONS} versions. Before you create a new version, "
                "you must delete an existing version."
            )
        row = db.query_one(
            "SELECT next_version FROM iam_policies WHERE account_id = ? AND policy_id = ?",
            (ctx.account_id, policy.policy_id),
        )
        version_id, now = f"v{row['next_version']}", self.now(ctx)
        default = version_id if req.get("SetAsDefault") else policy.default_version_id
        with db.transaction():
            db.execute(
                "INSERT INTO iam_policy_versions (account_id, policy_id, version_id, document, create_date) "
                "VALUES (?, ?, ?, ?, ?)",
                (ctx.account_id, policy.policy_id, version_id, document, now),
            )
            db.execute(
                "UPDATE iam_policies SET next_version = next_version + 1, default_version_id = ?, update_date = ? "
                "WHERE account_id = ? AND policy_id = ?",
                (default, now, ctx.account_id, policy.policy_id),
            )
        self.changed()
        return {
            "PolicyVersion": {
                "VersionId": version_id,
                "IsDefaultVersion": default == version_id,
                "CreateDate": ctx.time,
            }
        }

    def get_policy_version(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        policy = require_policy(db, ctx.account_id, req["PolicyArn"])
        version_id = req["VersionId"]
        for version in policy_versions(db, ctx.account_id, policy, documents=True):
            if version["VersionId"] == version_id:
                return {"PolicyVersion": version}
        raise NoSuchEntity(f"Policy {policy.arn} version {version_id} does not exist or is not attachable.")

    def list_policy_versions(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        policy = require_policy(db, ctx.account_id, req["PolicyArn"])
        return self.page(policy_versions(db, ctx.account_id, policy, documents=False), req, "Versions")

    def delete_policy_version(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        policy = require_policy(db, ctx.account_id, req["PolicyArn"])
        if policy.aws_managed:
            raise aws_owned(ctx, policy, "DeletePolicyVersion")
        version_id = req["VersionId"]
        if version_id == policy.default_version_id:
            raise DeleteConflict("Cannot delete the default version of a policy.")
        with db.transaction():
            deleted = db.execute(
                "DELETE FROM iam_policy_versions WHERE account_id = ? AND policy_id = ? AND version_id = ?",
                (ctx.account_id, policy.policy_id, version_id),
            ).rowcount
        if not deleted:
            raise NoSuchEntity(
                f"Policy {policy.arn} version {version_id} does not exist or is not attachable."
            )
        self.changed()
        return {}

    def set_default_policy_version(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        policy = require_policy(db, ctx.account_id, req["PolicyArn"])
        if policy.aws_managed:
            raise aws_owned(ctx, policy, "SetDefaultPolicyVersion")
        version_id = req["VersionId"]
        exists = db.query_one(
            "SELECT 1 FROM iam_policy_versions WHERE account_id = ? AND policy_id = ? AND version_id = ?",
            (ctx.account_id, policy.policy_id, version_id),
        )
        if not exists:
            raise NoSuchEntity(
                f"Policy {policy.arn} version {version_id} does not exist or is not attachable."
            )
        with db.transaction():
            db.execute(
                "UPDATE iam_policies SET default_version_id = ?, update_date = ? WHERE account_id = ? AND policy_id = ?",
                (version_id, self.now(ctx), ctx.account_id, policy.policy_id),
            )
        self.changed()
        return {}

    # -- tags ------------------------------------------------------------------------------

    def _customer_policy(self, ctx: RequestContext, db: Database, arn: str, action: str) -> ManagedPolicy:
        policy = require_policy(db, ctx.account_id, arn)
        if policy.aws_managed:
            raise aws_owned(ctx, policy, action)
        return policy

    def tag_policy(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        policy = self._customer_policy(ctx, db, req["PolicyArn"], "TagPolicy")
        pairs = check_tags(req["Tags"])
        with db.transaction():
            write_tags(db, ctx.account_id, "policy", policy.policy_id, pairs)
        self.changed()
        return {}

    def untag_policy(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        policy = self._customer_policy(ctx, db, req["PolicyArn"], "UntagPolicy")
        with db.transaction():
            remove_tags(db, ctx.account_id, "policy", policy.policy_id, check_tag_keys(req["TagKeys"]))
        self.changed()
        return {}

    def list_policy_tags(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        policy = require_policy(db, ctx.account_id, req["PolicyArn"])
        tags = [] if policy.aws_managed else read_tags(db, ctx.account_id, "policy", policy.policy_id)
        return self.page(tags, req, "Tags")

    # -- who uses a policy -----------------------------------------------------------------

    def list_entities_for_policy(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        policy = require_policy(db, ctx.account_id, req["PolicyArn"])
        wanted = req.get("EntityFilter")
        usage = req.get("PolicyUsageFilter")
        prefix = req.get("PathPrefix")
        entities: list[tuple[str, dict]] = []
        for kind, table, name_col, id_col, output in (
            ("group", "iam_groups", "group_name", "group_id", ("GroupName", "GroupId")),
            ("user", "iam_users", "user_name", "user_id", ("UserName", "UserId")),
            ("role", "iam_roles", "role_name", "role_id", ("RoleName", "RoleId")),
        ):
            if wanted not in (None, kind.capitalize()):
                continue
            rows = _entities_using(db, ctx.account_id, policy.arn, kind, table, name_col, id_col, usage)
            for row in rows:
                if prefix and not row["path"].startswith(prefix):
                    continue
                entities.append((kind, {output[0]: row[name_col], output[1]: row[id_col]}))
        page = self.page(entities, req, "Entities")
        output: dict = {"PolicyGroups": [], "PolicyUsers": [], "PolicyRoles": []}
        for kind, item in page.pop("Entities"):
            output[{"group": "PolicyGroups", "user": "PolicyUsers", "role": "PolicyRoles"}[kind]].append(item)
        return {**output, **page}


def _entities_using(
    db: Database,
    account_id: str,
    arn: str,
    kind: str,
    table: str,
    name_col: str,
    id_col: str,
    usage: str | None,
) -> list:
    """Entities of one kind that have the policy attached or (users and roles) as their boundary."""
    found: dict[str, object] = {}
    if usage != "PermissionsBoundary":
        for row in db.query(
            f"SELECT e.* FROM iam_attachments a JOIN {table} e ON e.account_id = a.account_id AND e.{id_col} = "
            f"a.entity_id WHERE a.account_id = ? AND a.entity_type = ? AND a.policy_arn = ? ORDER BY e.{name_col}",
            (account_id, kind, arn),
        ):
            found[row[id_col]] = row
    if usage != "PermissionsPolicy" and kind in ("user", "role"):
        for row in db.query(
            f"SELECT * FROM {table} WHERE account_id = ? AND boundary_arn = ? ORDER BY {name_col}",
            (account_id, arn),
        ):
            found.setdefault(row[id_col], row)
    return sorted(found.values(), key=lambda row: row[name_col].lower())  # type: ignore[index]


def _usage(db: Database, account_id: str, table: str, column: str) -> dict[str, int]:
    rows = db.query(
        f"SELECT {column} AS arn, COUNT(*) AS n FROM {table} WHERE account_id = ? GROUP BY {column}",
        (account_id,),
    )
    return {row["arn"]: row["n"] for row in rows}


def _boundary_usage(db: Database, account_id: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in ("iam_users", "iam_roles"):
        for arn, n in _usage(db, account_id, table, "boundary_arn").items():
            if arn:
                counts[arn] = counts.get(arn, 0) + n
    return counts
