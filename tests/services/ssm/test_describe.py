"""DescribeParameters: ParameterMetadata, ParameterFilters with their keys and options, the
deprecated Filters, paging."""

from __future__ import annotations

import pytest

from .support import error_of, names_of, put


@pytest.fixture
def parameters(ssm):
    put(ssm, "/prod/db/url", "u", Description="database")
    put(ssm, "/prod/db/pool/size", "5", "StringList")
    put(ssm, "/prod/api", "a", Tier="Advanced", Tags=[{"Key": "owner", "Value": "api-team"}])
    put(ssm, "/dev/db/url", "d", AllowedPattern="^[a-z]$")
    put(ssm, "toplevel", "t", DataType="text")


def describe(ssm, *filters: dict, **kwargs) -> list[str]:
    return names_of(ssm.describe_parameters(ParameterFilters=list(filters), **kwargs)["Parameters"])


def test_metadata_fields(ssm, parameters):
    found = {meta["Name"]: meta for meta in ssm.describe_parameters(MaxResults=50)["Parameters"]}
    url = found["/prod/db/url"]
    assert url["Description"] == "database"
    assert url["ARN"] == "arn:aws:ssm:us-east-1:000000000000:parameter/prod/db/url"
    assert (url["Type"], url["Version"], url["Tier"], url["DataType"], url["Policies"]) == (
        "String",
        1,
        "Standard",
        "text",
        [],
    )
    assert "LastModifiedDate" in url and "Value" not in url and "KeyId" not in url
    assert found["/dev/db/url"]["AllowedPattern"] == "^[a-z]$"
    assert found["/prod/api"]["Tier"] == "Advanced"


def test_name_options(ssm, parameters):
    assert describe(ssm, {"Key": "Name", "Values": ["/prod/api"]}) == ["/prod/api"]
    assert describe(ssm, {"Key": "Name", "Option": "BeginsWith", "Values": ["/prod/db"]}) == [
        "/prod/db/pool/size",
        "/prod/db/url",
    ]
    assert describe(ssm, {"Key": "Name", "Option": "Contains", "Values": ["db/u"]}) == [
        "/dev/db/url",
        "/prod/db/url",
    ]


def test_path_options(ssm, parameters):
    assert describe(ssm, {"Key": "Path", "Values": ["/prod"]}) == ["/prod/api"]
    assert describe(ssm, {"Key": "Path", "Option": "Recursive", "Values": ["/prod"]}) == [
        "/prod/api",
        "/prod/db/pool/size",
        "/prod/db/url",
    ]
    assert describe(ssm, {"Key": "Path", "Option": "OneLevel", "Values": ["/prod/db", "/dev/db"]}) == [
        "/dev/db/url",
        "/prod/db/url",
    ]
    assert describe(ssm, {"Key": "Path", "Values": ["/"]}) == ["toplevel"]


def test_type_tier_datatype_and_tag_keys(ssm, parameters):
    assert describe(ssm, {"Key": "Type", "Values": ["StringList"]}) == ["/prod/db/pool/size"]
    assert describe(ssm, {"Key": "Tier", "Values": ["Advanced"]}) == ["/prod/api"]
    assert len(describe(ssm, {"Key": "DataType", "Values": ["text"]}, MaxResults=50)) == 5
    assert describe(ssm, {"Key": "tag:owner", "Values": ["api-team"]}) == ["/prod/api"]
    assert describe(ssm, {"Key": "Type", "Option": "BeginsWith", "Values": ["StringL"]}) == [
        "/prod/db/pool/size"
    ]


def test_filters_combine_with_and(ssm, parameters):
    assert describe(
        ssm,
        {"Key": "Path", "Option": "Recursive", "Values": ["/prod"]},
        {"Key": "Type", "Values": ["String"]},
        {"Key": "Tier", "Values": ["Standard"]},
    ) == ["/prod/db/url"]


def test_the_deprecated_filters(ssm, parameters):
    found = ssm.describe_parameters(Filters=[{"Key": "Name", "Values": ["/prod/db"]}])["Parameters"]
    assert names_of(found) == ["/prod/db/pool/size", "/prod/db/url"]
    found = ssm.describe_parameters(Filters=[{"Key": "Type", "Values": ["StringList"]}])["Parameters"]
    assert names_of(found) == ["/prod/db/pool/size"]
    code, message = error_of(
        ssm.describe_parameters,
        Filters=[{"Key": "Type", "Values": ["String"]}],
        ParameterFilters=[{"Key": "Type", "Values": ["String"]}],
    )
    assert (code, message) == (
        "ValidationException",
        "You can use either Filters or ParameterFilters in a single request.",
    )


def test_paging(ssm):
    for index in range(25):
        put(ssm, f"/page/p{index:02d}")
    first = ssm.describe_parameters()
    assert len(first["Parameters"]) == 10 and "NextToken" in first
    names = []
    for page in ssm.get_paginator("describe_parameters").paginate(PaginationConfig={"PageSize": 7}):
        names += names_of(page["Parameters"])
    assert names == [f"/page/p{index:02d}" for index in range(25)]


def test_the_label_key_is_refused(ssm):
    code, message = error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Label", "Values": ["x"]}])
    assert code == "InvalidFilterKey"
    assert message == (
        "The following filter key is not valid: Label. Valid filter keys include: [Path, Name, Type, KeyId, Tier]."
    )


def test_a_key_outside_the_pattern(ssm):
    code, message = error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Colour", "Values": ["x"]}])
    assert code == "ValidationException"
    assert message == (
        "1 validation error detected: Value 'Colour' at 'parameterFilters.1.member.key' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType"
    )


def test_bad_options_values_and_duplicates(ssm):
    code, message = error_of(
        ssm.describe_parameters,
        ParameterFilters=[{"Key": "Type", "Option": "Contains", "Values": ["String"]}],
    )
    assert (code, message) == (
        "InvalidFilterOption",
        "The following filter option is not valid: Contains. Valid options include: [BeginsWith, Equals].",
    )
    code, _ = error_of(
        ssm.describe_parameters, ParameterFilters=[{"Key": "Path", "Option": "Equals", "Values": ["/a"]}]
    )
    assert code == "InvalidFilterOption"
    code, message = error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Name"}])
    assert (code, message) == (
        "InvalidFilterValue",
        "The following filter values are missing : null for filter key Name.",
    )
    code, message = error_of(
        ssm.describe_parameters,
        ParameterFilters=[{"Key": "Type", "Values": ["String"]}, {"Key": "Type", "Values": ["StringList"]}],
    )
    assert code == "InvalidFilterKey"
    assert message.startswith("The following filter is duplicated in the request: Type.")
    # guessed code: the message names a bad value
    code, _ = error_of(ssm.describe_parameters, ParameterFilters=[{"Key": "Type", "Values": ["Number"]}])
    assert code == "InvalidFilterValue"


def test_path_values_under_aws_or_ssm_are_refused(ssm):
    code, message = error_of(
        ssm.describe_parameters, ParameterFilters=[{"Key": "Path", "Values": ["/aws/service"]}]
    )
    assert code == "ValidationException"
    assert message.startswith('Filters for common parameters can\'t be prefixed with "aws" or "ssm"')


def test_shared_parameters_are_none(ssm, parameters):
    assert ssm.describe_parameters(Shared=True)["Parameters"] == []
