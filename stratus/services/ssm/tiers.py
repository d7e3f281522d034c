"""Parameter tiers: Standard (4 KB values, no policies, 10,000 per account and region) and Advanced
(8 KB, policies, 100,000); Intelligent-Tiering picks Advanced only when the request needs it.

Without a Tier in the request the default tier setting applies, Standard (Stratus does not serve
the service setting that changes it); an existing advanced parameter stays advanced, as AWS never
downgrades one.
"""

from __future__ import annotations

from stratus.services.ssm.common import (
    ADVANCED,
    INTELLIGENT,
    STANDARD,
    ParameterLimitExceeded,
    ValidationException,
)

MAX_VALUE = {STANDARD: 4096, ADVANCED: 8192}
MAX_COUNT = {STANDARD: 10_000, ADVANCED: 100_000}
_TIER_DOCS = (
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html"
)

STANDARD_TOO_LARGE = (
    "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger "
    "parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, "
    f"see {_TIER_DOCS}"
)
ADVANCED_TOO_LARGE = (  # guessed, after the standard tier's wording
    "Advanced tier parameters support a maximum parameter value of 8192 characters."
)
STANDARD_WITH_POLICIES = (  # guessed
    "Standard tier parameters don't support parameter policies. To use parameter policies, upgrade the "
    f"parameter to use the advanced-parameter tier. For more information, see {_TIER_DOCS}"
)
NO_DOWNGRADE = (  # the middle sentence is AWS's; the rest is guessed
    "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the "
    "advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced "
    "parameter and recreate it as a standard parameter."
)
STANDARD_LIMIT = (
    "You have reached the maximum number of standard parameters for this AWS account and Region (10000). "
    "To add more parameters, either delete existing parameters or upgrade to the advanced-parameter tier "
    "(charges apply)."
)
ADVANCED_LIMIT = (  # guessed, after the standard tier's wording
    "You have reached the maximum number of advanced parameters for this AWS account and Region (100000). "
    "To add more parameters, delete existing parameters."
)


def choose_tier(
    requested: str | None, existing: str | None, value: str, has_policies: bool, standard_full: bool
) -> str:
    """The tier a write lands in. `existing` is the parameter's current tier (None when new);
    `standard_full` says the account already holds its 10,000 standard parameters."""
    if requested is None:
        requested = existing or STANDARD
    if requested == INTELLIGENT:
        needs_advanced = (
            existing == ADVANCED
            or len(value) > MAX_VALUE[STANDARD]
            or has_policies
            or (existing is None and standard_full)
        )
        return ADVANCED if needs_advanced else STANDARD
    if requested == STANDARD and existing == ADVANCED:
        raise ValidationException(NO_DOWNGRADE)
    return requested


def check_fits(tier: str, value: str, has_policies: bool) -> None:
    if len(value) > MAX_VALUE[tier]:
        raise ValidationException(STANDARD_TOO_LARGE if tier == STANDARD else ADVANCED_TOO_LARGE)
    if tier == STANDARD and has_policies:
        raise ValidationException(STANDARD_WITH_POLICIES)


def check_room(tier: str, count_in_tier: int) -> None:
    """A new parameter (or one moving up to this tier) must fit under the tier's count limit."""
    if count_in_tier >= MAX_COUNT[tier]:
        raise ParameterLimitExceeded(STANDARD_LIMIT if tier == STANDARD else ADVANCED_LIMIT)
