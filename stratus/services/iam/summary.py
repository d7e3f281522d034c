"""GetAccountSummary: how many IAM entities the account has, beside IAM's default quotas."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.iam import account_hooks
from stratus.services.iam.access_keys import ACCESS_KEYS_PER_USER
from stratus.services.iam.attachments import ATTACHED_POLICIES_QUOTA
from stratus.services.iam.checks import INLINE_POLICY_SIZE, MANAGED_POLICY_SIZE, TRUST_POLICY_SIZE
from stratus.services.iam.groups import GROUPS_PER_USER
from stratus.services.iam.mixin import IamMixin
from stratus.services.iam.policies import MAX_VERSIONS

# The quotas a new account reports (IAM and AWS STS quotas).
QUOTAS = {
    "UsersQuota": 5000,
    "GroupsQuota": 300,
    "RolesQuota": 1000,
    "PoliciesQuota": 1500,
    "InstanceProfilesQuota": 1000,
    "ServerCertificatesQuota": 20,
    "PolicyVersionsInUseQuota": 10000,
    "VersionsPerPolicyQuota": MAX_VERSIONS,
    "PolicySizeQuota": MANAGED_POLICY_SIZE,
    "UserPolicySizeQuota": INLINE_POLICY_SIZE["user"],
    "GroupPolicySizeQuota": INLINE_POLICY_SIZE["group"],
    "RolePolicySizeQuota": INLINE_POLICY_SIZE["role"],
    "AssumeRolePolicySizeQuota": TRUST_POLICY_SIZE,
    "GroupsPerUserQuota": GROUPS_PER_USER,
    "AccessKeysPerUserQuota": ACCESS_KEYS_PER_USER,
    "SigningCertificatesPerUserQuota": 2,
    "AttachedPoliciesPerUserQuota": ATTACHED_POLICIES_QUOTA,
    "AttachedPoliciesPerGroupQuota": ATTACHED_POLICIES_QUOTA,
    "AttachedPoliciesPerRoleQuota": ATTACHED_POLICIES_QUOTA,
    "GlobalEndpointTokenVersion": 1,
}

# Counts the core tables answer; the account-level part may add or override others.
_COUNTS = {
    "Users": "SELECT COUNT(*) FROM iam_users WHERE account_id = ?",
    "Groups": "SELECT COUNT(*) FROM iam_groups WHERE account_id = ?",
    "Roles": "SELECT COUNT(*) FROM iam_roles WHERE account_id = ?",
    "Policies": "SELECT COUNT(*) FROM iam_policies WHERE account_id = ?",
    "InstanceProfiles": "SELECT COUNT(*) FROM iam_instance_profiles WHERE account_id = ?",
    # Every version of a customer managed policy counts, plus each AWS managed policy in use.
    "PolicyVersionsInUse": (
        "SELECT (SELECT COUNT(*) FROM iam_policy_versions WHERE account_id = ?) + "
        "(SELECT COUNT(DISTINCT policy_arn) FROM iam_attachments WHERE account_id = ? "
        "AND policy_arn LIKE 'arn:aws:iam::aws:%')"
    ),
    "MFADevices": "SELECT COUNT(*) FROM mfa_devices WHERE account_id = ?",
    "MFADevicesInUse": "SELECT COUNT(*) FROM mfa_devices WHERE account_id = ? AND enabled = 1",
    "ServerCertificates": "SELECT COUNT(*) FROM server_certificates WHERE account_id = ?",
    "Providers": (
        "SELECT (SELECT COUNT(*) FROM oidc_providers WHERE account_id = ?) + "
        "(SELECT COUNT(*) FROM saml_providers WHERE account_id = ?)"
    ),
}


class SummaryOperations(IamMixin):
    def get_account_summary(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        summary: dict[str, int] = dict(QUOTAS)
        for key, sql in _COUNTS.items():
            row = db.query_one(sql, (ctx.account_id,) * sql.count("?"))
            summary[key] = int(row[0]) if row else 0
        # The root user's own MFA, keys, certificates and password are not modelled.
        summary.update(
            {
                "AccountMFAEnabled": 0,
                "AccountAccessKeysPresent": 0,
                "AccountSigningCertificatesPresent": 0,
                "AccountPasswordPresent": 0,
            }
        )
        summary.update(account_hooks.summary_counts(db, ctx.account_id))
        return {"SummaryMap": summary}
