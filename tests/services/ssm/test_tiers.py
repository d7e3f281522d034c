"""Tiers: Standard (4 KB, 10,000 parameters, no policies), Advanced (8 KB), Intelligent-Tiering."""

from __future__ import annotations

import json
import os

import pytest

from .support import error_of, put

EXPIRATION = json.dumps(
    [{"Type": "Expiration", "Version": "1.0", "Attributes": {"Timestamp": "2099-01-01T00:00:00Z"}}]
)


def tier_of(ssm, name: str) -> str:
    [meta] = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [name]}])["Parameters"]
    return meta["Tier"]


def test_standard_is_the_default_and_holds_4096_characters(ssm):
    assert put(ssm, "/t/std", "x" * 4096)["Tier"] == "Standard"
    code, message = error_of(put, ssm, "/t/big", "x" * 4097)
    assert code == "ValidationException"
    assert message.startswith(
        "Standard tier parameters support a maximum parameter value of 4096 characters."
    )


def test_advanced_holds_8192_characters(ssm):
    assert put(ssm, "/t/adv", "x" * 8192, Tier="Advanced")["Tier"] == "Advanced"
    assert len(ssm.get_parameter(Name="/t/adv")["Parameter"]["Value"]) == 8192
    code, message = error_of(put, ssm, "/t/adv2", "x" * 8193, Tier="Advanced")
    # Guessed wording, after the standard tier's.
    assert (code, message) == (
        "ValidationException",
        "Advanced tier parameters support a maximum parameter value of 8192 characters.",
    )


def test_intelligent_tiering_picks_advanced_only_when_needed(ssm):
    assert put(ssm, "/t/small", "x", Tier="Intelligent-Tiering")["Tier"] == "Standard"
    assert put(ssm, "/t/large", "x" * 5000, Tier="Intelligent-Tiering")["Tier"] == "Advanced"
    assert put(ssm, "/t/policy", "x", Tier="Intelligent-Tiering", Policies=EXPIRATION)["Tier"] == "Advanced"
    assert tier_of(ssm, "/t/large") == "Advanced"
    answer = ssm.put_parameter(Name="/t/small", Value="y" * 5000, Overwrite=True, Tier="Intelligent-Tiering")
    assert answer["Tier"] == "Advanced"


def test_an_advanced_parameter_is_never_downgraded(ssm):
    put(ssm, "/t/adv", "x", Tier="Advanced")
    code, message = error_of(ssm.put_parameter, Name="/t/adv", Value="y", Overwrite=True, Tier="Standard")
    assert code == "ValidationException"
    assert (
        "You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier"
        in message
    )
    # Without a tier (or with Intelligent-Tiering) it stays advanced.
    assert ssm.put_parameter(Name="/t/adv", Value="z", Overwrite=True)["Tier"] == "Advanced"
    answer = ssm.put_parameter(Name="/t/adv", Value="w", Overwrite=True, Tier="Intelligent-Tiering")
    assert answer["Tier"] == "Advanced"


def test_a_standard_parameter_can_move_up(ssm):
    put(ssm, "/t/up", "x")
    assert ssm.put_parameter(Name="/t/up", Value="y", Overwrite=True, Tier="Advanced")["Tier"] == "Advanced"
    history = ssm.get_parameter_history(Name="/t/up")["Parameters"]
    assert [entry["Tier"] for entry in history] == ["Standard", "Advanced"]


def test_policies_need_the_advanced_tier(ssm):
    code, message = error_of(put, ssm, "/t/p", "x", Policies=EXPIRATION)
    # Guessed wording: AWS documents that standard parameters can't have policies.
    assert code == "ValidationException"
    assert message.startswith("Standard tier parameters don't support parameter policies.")
    code, _ = error_of(put, ssm, "/t/p", "x", Tier="Standard", Policies=EXPIRATION)
    assert code == "ValidationException"


async def _seed_standard_parameters(runtime, count: int) -> None:
    """Fill the account with standard parameters straight through the store (10,000 puts would be slow)."""
    from stratus.services.ssm.common import ParameterVersion
    from stratus.services.ssm.schema import MIGRATIONS, SSM_DATABASE
    from stratus.services.ssm.store import insert_parameter

    db = runtime.state.database(SSM_DATABASE, MIGRATIONS)
    with db.transaction():
        for index in range(count):
            version = ParameterVersion(
                f"/seed/p{index:05d}",
                1,
                "String",
                "v",
                "Standard",
                "text",
                None,
                None,
                None,
                None,
                0.0,
                "seed",
            )
            insert_parameter(db, "000000000000", "us-east-1", version, None)


@pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="seeds the in-process store")
def test_ten_thousand_standard_parameters_per_account_and_region(ssm, aws_client, stratus_server):
    stratus_server.call_on_loop(_seed_standard_parameters(stratus_server.runtime, 9_999))
    put(ssm, "/t/last-standard")
    code, message = error_of(put, ssm, "/t/one-too-many")
    assert code == "ParameterLimitExceeded"
    assert message.startswith("You have reached the maximum number of standard parameters")
    # Overwriting an existing standard parameter is still fine; so are advanced ones.
    assert ssm.put_parameter(Name="/t/last-standard", Value="y", Overwrite=True)["Version"] == 2
    assert put(ssm, "/t/advanced", Tier="Advanced")["Tier"] == "Advanced"
    # Intelligent-Tiering goes advanced once the standard tier is full.
    assert put(ssm, "/t/intelligent", Tier="Intelligent-Tiering")["Tier"] == "Advanced"
    # Another region has its own 10,000.
    assert put(aws_client("ssm", region_name="eu-west-1"), "/t/elsewhere")["Tier"] == "Standard"
    ssm.delete_parameter(Name="/t/last-standard")
    assert put(ssm, "/t/one-too-many")["Version"] == 1
