"""Parameter policies: validated as AWS validates them, shown in DescribeParameters and history, and
Expiration executed on the Stratus clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from .support import error_of, eventually, put


def expiration(moment: datetime) -> dict:
    stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {"Type": "Expiration", "Version": "1.0", "Attributes": {"Timestamp": stamp}}


NOTIFY = {"Type": "ExpirationNotification", "Version": "1.0", "Attributes": {"Before": "15", "Unit": "Days"}}
NO_CHANGE = {"Type": "NoChangeNotification", "Version": "1.0", "Attributes": {"After": "20", "Unit": "Hours"}}
FAR = datetime(2099, 1, 1, tzinfo=UTC)


def put_advanced(ssm, name: str, policies: list, **kwargs) -> dict:
    return put(ssm, name, "v", Tier="Advanced", Policies=json.dumps(policies), **kwargs)


def test_policies_are_listed_with_their_status(ssm):
    put_advanced(ssm, "/p/all", [expiration(FAR), NOTIFY, NO_CHANGE])
    [meta] = ssm.describe_parameters()["Parameters"]
    assert [policy["PolicyType"] for policy in meta["Policies"]] == [
        "Expiration",
        "ExpirationNotification",
        "NoChangeNotification",
    ]
    assert {policy["PolicyStatus"] for policy in meta["Policies"]} == {"Pending"}
    assert json.loads(meta["Policies"][1]["PolicyText"]) == NOTIFY
    [entry] = ssm.get_parameter_history(Name="/p/all")["Parameters"]
    assert len(entry["Policies"]) == 3


def test_an_overwrite_without_policies_keeps_them(ssm):
    put_advanced(ssm, "/p/keep", [expiration(FAR)])
    ssm.put_parameter(Name="/p/keep", Value="w", Overwrite=True)
    [meta] = ssm.describe_parameters()["Parameters"]
    assert [policy["PolicyType"] for policy in meta["Policies"]] == ["Expiration"]
    ssm.put_parameter(Name="/p/keep", Value="w", Overwrite=True, Policies="[]")
    assert ssm.describe_parameters()["Parameters"][0]["Policies"] == []


@pytest.mark.parametrize(
    ("policies", "code"),
    [
        ([{"Type": "Rotation", "Version": "1.0", "Attributes": {}}], "InvalidPolicyTypeException"),
        ([{"Type": "Expiration", "Version": "2.0", "Attributes": {"Timestamp": "2099-01-01T00:00:00Z"}}],
         "InvalidPolicyAttributeException"),
        ([{"Type": "Expiration", "Version": "1.0", "Attributes": {"Timestamp": "next tuesday"}}],
         "InvalidPolicyAttributeException"),
        ([{"Type": "NoChangeNotification", "Version": "1.0", "Attributes": {"After": "20", "Unit": "Weeks"}}],
         "InvalidPolicyAttributeException"),
        ([{"Type": "NoChangeNotification", "Version": "1.0", "Attributes": {"After": "-1", "Unit": "Days"}}],
         "InvalidPolicyAttributeException"),
        ([expiration(FAR), expiration(FAR)], "IncompatiblePolicyException"),
        ([NOTIFY], "IncompatiblePolicyException"),  # guessed: a notification needs an expiration
    ],
)  # fmt: skip
def test_invalid_policies_are_refused(ssm, policies, code):
    assert error_of(put_advanced, ssm, "/p/bad", policies)[0] == code


def test_policies_must_be_json(ssm):
    code, message = error_of(put, ssm, "/p/bad", "v", Tier="Advanced", Policies="{not json")
    assert (code, message) == (
        "InvalidPolicyAttributeException",
        "A policy attribute or its value is invalid.",
    )


def test_at_most_ten_policies(ssm):
    code, message = error_of(put_advanced, ssm, "/p/many", [NO_CHANGE] * 11)
    assert code == "PoliciesLimitExceededException"
    assert message.endswith("The maximum is 10.")


def test_expiration_deletes_the_parameter_on_the_stratus_clock(ssm, stratus_server):
    put_advanced(ssm, "/p/short-lived", [expiration(datetime.now(UTC) + timedelta(hours=1))])
    put(ssm, "/p/forever")
    stratus_server.advance_clock(30 * 60)
    assert ssm.get_parameter(Name="/p/short-lived")["Parameter"]["Value"] == "v"
    stratus_server.advance_clock(31 * 60)

    def gone() -> bool:
        return ssm.get_parameters(Names=["/p/short-lived"])["InvalidParameters"] == ["/p/short-lived"]

    assert eventually(gone)
    assert ssm.get_parameter(Name="/p/forever")["Parameter"]["Value"] == "v"


def test_an_offset_timestamp_is_accepted(ssm):
    policy = {
        "Type": "Expiration",
        "Version": "1.0",
        "Attributes": {"Timestamp": "2099-11-01T22:13:48.87+10:30"},
    }
    assert put_advanced(ssm, "/p/offset", [policy])["Version"] == 1
