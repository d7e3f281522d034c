"""IAM's account-level operations, gathered into one mixin for the IAM provider.

Each group lives in its own module; `IamProvider(AccountOperations, Provider)` supplies `db()` and
`changed()`, which every group calls.
"""

from __future__ import annotations

from stratus.services.iam.account_alias import AliasOperations
from stratus.services.iam.account_certificates import CertificateOperations
from stratus.services.iam.account_credentials import CredentialOperations
from stratus.services.iam.account_mfa import MfaOperations
from stratus.services.iam.account_oidc import OidcOperations
from stratus.services.iam.account_passwords import PasswordOperations
from stratus.services.iam.account_report import ReportOperations
from stratus.services.iam.account_saml import SamlOperations


class AccountOperations(
    MfaOperations,
    PasswordOperations,
    AliasOperations,
    OidcOperations,
    SamlOperations,
    CertificateOperations,
    CredentialOperations,
    ReportOperations,
):
    """One method per account-level IAM operation (MFA, passwords, alias, identity providers,
    certificates, SSH keys, service-specific credentials, the credential report)."""
