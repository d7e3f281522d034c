"""The read side of IAM that authorization uses on every request: access keys, principals and the
policies that apply to them. Every lookup is an indexed point query (or a few)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from stratus.services.iam.entities import tag_map
from stratus.services.iam.managed import attached_arns, default_document, find_policy
from stratus.services.iam.store import to_text
from stratus.store.sqlite import Database


@dataclass(frozen=True, slots=True)
class AccessKeyRecord:
    access_key_id: str
    secret_access_key: str
    status: str  # "Active" | "Inactive"
    account_id: str
    user_name: str
    user_id: str
    user_arn: str


@dataclass(frozen=True, slots=True)
class PrincipalRecord:
    arn: str
    unique_id: str
    name: str
    path: str
    tags: dict[str, str] = field(default_factory=dict)
    boundary_arn: str | None = None


@dataclass(frozen=True, slots=True)
class RoleRecord:
    arn: str
    role_id: str
    name: str
    path: str
    trust_policy: str  # the JSON text, decoded (not URL-encoded)
    max_session_duration: int
    boundary_arn: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PolicySource:
    """One identity policy that applies to a principal.

    `source_type` is SimulatePrincipalPolicy's PolicySourceType: "user", "group" or "role" for inline
    policies (then `source_id` is the policy's name), "aws-managed" or "user-managed" for managed
    policies (then `source_id` is the policy's ARN).
    """

    document: str
    source_id: str
    source_type: str


class IamDirectory:
    def __init__(self, db: Database) -> None:
        self.db = db

    def access_key(self, access_key_id: str) -> AccessKeyRecord | None:
        row = self.db.query_one(
            "SELECT k.access_key_id, k.secret_access_key, k.status, k.account_id, u.user_name, u.user_id, u.arn "
            "FROM iam_access_keys k JOIN iam_users u ON u.account_id = k.account_id AND u.user_id = k.user_id "
            "WHERE k.access_key_id = ?",
            (access_key_id,),
        )
        if row is None:
            return None
        return AccessKeyRecord(
            access_key_id=row["access_key_id"],
            secret_access_key=row["secret_access_key"],
            status=row["status"],
            account_id=row["account_id"],
            user_name=row["user_name"],
            user_id=row["user_id"],
            user_arn=row["arn"],
        )

    def record_key_use(self, access_key_id: str, service: str, region: str, when: datetime) -> None:
        """Feeds GetAccessKeyLastUsed."""
        with self.db.transaction():
            self.db.execute(
                "UPDATE iam_access_keys SET last_used_date = ?, last_used_service = ?, last_used_region = ? "
                "WHERE access_key_id = ?",
                (to_text(when), service, region, access_key_id),
            )

    def user(self, account_id: str, user_name: str) -> PrincipalRecord | None:
        row = self.db.query_one(
            "SELECT * FROM iam_users WHERE account_id = ? AND user_name = ?", (account_id, user_name)
        )
        if row is None:
            return None
        return PrincipalRecord(
            arn=row["arn"],
            unique_id=row["user_id"],
            name=row["user_name"],
            path=row["path"],
            tags=tag_map(self.db, account_id, "user", row["user_id"]),
            boundary_arn=row["boundary_arn"],
        )

    def role(self, account_id: str, role_name: str) -> RoleRecord | None:
        row = self.db.query_one(
            "SELECT * FROM iam_roles WHERE account_id = ? AND role_name = ?", (account_id, role_name)
        )
        if row is None:
            return None
        return RoleRecord(
            arn=row["arn"],
            role_id=row["role_id"],
            name=row["role_name"],
            path=row["path"],
            trust_policy=row["trust_policy"],
            max_session_duration=row["max_session_duration"],
            boundary_arn=row["boundary_arn"],
            tags=tag_map(self.db, account_id, "role", row["role_id"]),
        )

    def record_role_use(self, account_id: str, role_name: str, region: str, when: datetime) -> None:
        """Feeds GetRole's RoleLastUsed (called when the role's credentials are used)."""
        with self.db.transaction():
            self.db.execute(
                "UPDATE iam_roles SET last_used_date = ?, last_used_region = ? WHERE account_id = ? AND role_name = ?",
                (to_text(when), region, account_id, role_name),
            )

    def user_policies(self, account_id: str, user_name: str) -> list[PolicySource]:
        """The user's inline and attached policies, then each of its groups' inline and attached ones."""
        user = self.db.query_one(
            "SELECT user_id FROM iam_users WHERE account_id = ? AND user_name = ?", (account_id, user_name)
        )
        if user is None:
            return []
        sources = self._entity_policies(account_id, "user", user["user_id"])
        groups = self.db.query(
            "SELECT g.group_id FROM iam_group_members m JOIN iam_groups g "
            "ON g.account_id = m.account_id AND g.group_id = m.group_id "
            "WHERE m.account_id = ? AND m.user_id = ? ORDER BY g.group_name",
            (account_id, user["user_id"]),
        )
        for group in groups:
            sources += self._entity_policies(account_id, "group", group["group_id"])
        return sources

    def role_policies(self, account_id: str, role_name: str) -> list[PolicySource]:
        role = self.db.query_one(
            "SELECT role_id FROM iam_roles WHERE account_id = ? AND role_name = ?", (account_id, role_name)
        )
        return self._entity_policies(account_id, "role", role["role_id"]) if role else []

    def group(self, account_id: str, group_name: str) -> PrincipalRecord | None:
        row = self.db.query_one(
            "SELECT * FROM iam_groups WHERE account_id = ? AND group_name = ?", (account_id, group_name)
        )
        if row is None:
            return None
        return PrincipalRecord(
            arn=row["arn"],
            unique_id=row["group_id"],
            name=row["group_name"],
            path=row["path"],
            tags={},
            boundary_arn=None,
        )

    def group_policies(self, account_id: str, group_name: str) -> list[PolicySource]:
        group = self.group(account_id, group_name)
        return self._entity_policies(account_id, "group", group.unique_id) if group else []

    def managed_policy_document(self, account_id: str, policy_arn: str) -> str | None:
        """The default version's text of a customer or AWS managed policy."""
        policy = find_policy(self.db, account_id, policy_arn)
        return default_document(self.db, account_id, policy) if policy else None

    def _entity_policies(self, account_id: str, kind: str, entity_id: str) -> list[PolicySource]:
        rows = self.db.query(
            "SELECT policy_name, document FROM iam_inline_policies WHERE account_id = ? AND entity_type = ? "
            "AND entity_id = ? ORDER BY policy_name",
            (account_id, kind, entity_id),
        )
        sources = [PolicySource(row["document"], row["policy_name"], kind) for row in rows]
        for arn in attached_arns(self.db, account_id, kind, entity_id):
            policy = find_policy(self.db, account_id, arn)
            if policy is not None:
                source_type = "aws-managed" if policy.aws_managed else "user-managed"
                sources.append(PolicySource(default_document(self.db, account_id, policy), arn, source_type))
        return sources
