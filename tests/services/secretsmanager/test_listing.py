"""ListSecrets: filters (with negation), sort order and paging."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .support import error_of


@pytest.fixture
def catalogue(sm, stratus_server):
    """Four secrets created a minute apart, with descriptions and tags."""
    specs = [
        ("prod/db", "Primary DATABASE password", [{"Key": "env", "Value": "prod"}]),
        (
            "prod/api-key",
            "key for the payments API",
            [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "pay"}],
        ),
        ("dev/db", "development database", [{"Key": "env", "Value": "dev"}]),
        ("Other", None, []),
    ]
    for name, description, tags in specs:
        kwargs = {"Name": name, "SecretString": "x", "Tags": tags}
        if description:
            kwargs["Description"] = description
        sm.create_secret(**kwargs)
        stratus_server.advance_clock(60)
    return [spec[0] for spec in specs]


def names(answer) -> list[str]:
    return [entry["Name"] for entry in answer["SecretList"]]


def listed(sm, *filters) -> list[str]:
    return names(sm.list_secrets(Filters=list(filters)))


def test_list_entries_describe_the_secrets(sm, catalogue):
    entry = sm.list_secrets()["SecretList"][1]
    assert entry["Name"] == "prod/api-key"
    assert entry["Description"] == "key for the payments API"
    assert entry["Tags"] == [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "pay"}]
    assert list(entry["SecretVersionsToStages"].values()) == [["AWSCURRENT"]]
    assert "CreatedDate" in entry and "LastChangedDate" in entry


def test_default_order_is_creation_and_sort_options_apply(sm, catalogue):
    assert names(sm.list_secrets()) == catalogue
    assert names(sm.list_secrets(SortOrder="desc")) == catalogue[::-1]
    assert names(sm.list_secrets(SortBy="name")) == sorted(catalogue)


def test_name_filter_is_a_case_sensitive_prefix(sm, catalogue):
    assert listed(sm, {"Key": "name", "Values": ["prod/"]}) == ["prod/db", "prod/api-key"]
    assert listed(sm, {"Key": "name", "Values": ["PROD"]}) == []
    assert listed(sm, {"Key": "name", "Values": ["dev", "Oth"]}) == ["dev/db", "Other"]


def test_description_filter_ignores_case(sm, catalogue):
    assert listed(sm, {"Key": "description", "Values": ["primary database"]}) == ["prod/db"]


def test_tag_filters(sm, catalogue):
    assert listed(sm, {"Key": "tag-key", "Values": ["team"]}) == ["prod/api-key"]
    assert listed(sm, {"Key": "tag-value", "Values": ["pro"]}) == ["prod/db", "prod/api-key"]


def test_filters_combine_and_negate(sm, catalogue):
    assert listed(sm, {"Key": "tag-value", "Values": ["prod"]}, {"Key": "tag-key", "Values": ["!team"]}) == [
        "prod/db"
    ]
    assert listed(sm, {"Key": "name", "Values": ["!prod"]}) == ["dev/db", "Other"]


def test_all_filter_searches_every_attribute_by_word(sm, catalogue):
    assert listed(sm, {"Key": "all", "Values": ["database"]}) == ["prod/db", "dev/db"]
    assert listed(sm, {"Key": "all", "Values": ["payments"]}) == ["prod/api-key"]
    assert listed(sm, {"Key": "all", "Values": ["pay"]}) == ["prod/api-key"]
    assert listed(sm, {"Key": "all", "Values": ["OTHER"]}) == ["Other"]


def test_primary_region_and_owning_service_filters(sm, catalogue):
    assert listed(sm, {"Key": "primary-region", "Values": ["us-east-1"]}) == catalogue
    assert listed(sm, {"Key": "owning-service", "Values": ["rds"]}) == []


def test_paging(sm, catalogue):
    first = sm.list_secrets(MaxResults=3)
    assert names(first) == catalogue[:3]
    rest = sm.list_secrets(MaxResults=3, NextToken=first["NextToken"])
    assert names(rest) == catalogue[3:]
    assert "NextToken" not in rest


def test_a_bad_token_is_refused(sm, catalogue):
    with pytest.raises(ClientError) as caught:
        sm.list_secrets(NextToken="not-a-token")
    assert error_of(caught)[0] == "InvalidNextTokenException"  # wording guessed


def test_filter_values_follow_the_model_pattern(sm, catalogue):
    with pytest.raises(ClientError) as caught:
        sm.list_secrets(Filters=[{"Key": "name", "Values": ["bad#value"]}])
    code, message = error_of(caught)
    assert code == "ValidationException"
    assert "Value 'bad#value' at 'filters.1.member.values.1.member' failed to satisfy constraint" in message


def test_secrets_of_other_regions_and_accounts_are_not_listed(sm, catalogue, aws_client):
    elsewhere = aws_client("secretsmanager", region_name="eu-west-1")
    elsewhere.create_secret(Name="eu-only", SecretString="x")
    other_account = aws_client("secretsmanager", aws_access_key_id="111111111111", aws_secret_access_key="x")
    other_account.create_secret(Name="theirs", SecretString="x")
    assert names(sm.list_secrets()) == catalogue
    assert names(elsewhere.list_secrets()) == ["eu-only"]
    assert names(other_account.list_secrets()) == ["theirs"]
