"""GetParametersByPath: one level or recursive, filters, labels, paging."""

from __future__ import annotations

import pytest

from .support import error_of, names_of, put

TREE = [
    "/app/a",
    "/app/b",
    "/app/db/host",
    "/app/db/port",
    "/app/db/replica/host",
    "/apple",
    "/other/x",
    "flat",
]


@pytest.fixture
def tree(ssm):
    for name in TREE:
        put(ssm, name, name)
    return TREE


def by_path(ssm, path: str, **kwargs) -> list[str]:
    return names_of(ssm.get_parameters_by_path(Path=path, **kwargs)["Parameters"])


def test_one_level(ssm, tree):
    assert by_path(ssm, "/app") == ["/app/a", "/app/b"]
    assert by_path(ssm, "/app/db") == ["/app/db/host", "/app/db/port"]
    assert by_path(ssm, "/app/db/") == ["/app/db/host", "/app/db/port"]


def test_recursive(ssm, tree):
    assert by_path(ssm, "/app", Recursive=True) == [
        "/app/a",
        "/app/b",
        "/app/db/host",
        "/app/db/port",
        "/app/db/replica/host",
    ]
    assert "/apple" not in by_path(ssm, "/app", Recursive=True, MaxResults=10)


def test_the_root(ssm, tree):
    assert by_path(ssm, "/") == ["/apple", "flat"]
    everything = []
    token = None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = ssm.get_parameters_by_path(Path="/", Recursive=True, **kwargs)
        everything += names_of(page["Parameters"])
        token = page.get("NextToken")
        if not token:
            break
    assert sorted(everything) == sorted(TREE)


def test_values_are_answered(ssm, tree):
    [first] = ssm.get_parameters_by_path(Path="/other")["Parameters"]
    assert (first["Value"], first["Version"], first["Type"]) == ("/other/x", 1, "String")


def test_paging_hundred_parameters(ssm):
    for index in range(100):
        put(ssm, f"/many/p{index:03d}", str(index))
    seen = []
    pages = 0
    paginator = ssm.get_paginator("get_parameters_by_path")
    for page in paginator.paginate(Path="/many", PaginationConfig={"PageSize": 10}):
        pages += 1
        seen += names_of(page["Parameters"])
    assert pages == 10
    assert seen == [f"/many/p{index:03d}" for index in range(100)]


def test_max_results_is_at_most_ten(ssm):
    code, message = error_of(ssm.get_parameters_by_path, Path="/x", MaxResults=11)
    assert code == "ValidationException"
    assert "Member must have value less than or equal to 10" in message


def test_filters_by_type_and_not_by_tag(ssm):
    put(ssm, "/f/plain", "v")
    put(ssm, "/f/list", "a,b", "StringList", Tags=[{"Key": "team", "Value": "core"}])
    put(ssm, "/f/other-team", "v", Tags=[{"Key": "team", "Value": "edge"}])
    assert by_path(ssm, "/f", ParameterFilters=[{"Key": "Type", "Values": ["StringList"]}]) == ["/f/list"]
    # Tag filters are DescribeParameters' only (AWS's ParameterStringFilter reference).
    code, message = error_of(
        ssm.get_parameters_by_path, Path="/f", ParameterFilters=[{"Key": "tag:team", "Values": ["core"]}]
    )
    assert (code, message) == (
        "InvalidFilterKey",
        "The following filter key is not valid: tag:team. Valid filter keys include: [Type, KeyId].",
    )


def test_the_label_filter_answers_the_labelled_version(ssm):
    put(ssm, "/l/a", "a1")
    ssm.put_parameter(Name="/l/a", Value="a2", Overwrite=True)
    put(ssm, "/l/b", "b1")
    ssm.label_parameter_version(Name="/l/a", ParameterVersion=1, Labels=["prod"])
    [found] = ssm.get_parameters_by_path(Path="/l", ParameterFilters=[{"Key": "Label", "Values": ["prod"]}])[
        "Parameters"
    ]
    assert (found["Name"], found["Value"], found["Version"]) == ("/l/a", "a1", 1)


@pytest.mark.parametrize("key", ["Name", "Path", "Tier"])
def test_keys_describe_parameters_takes_are_refused_here(ssm, key):
    code, message = error_of(
        ssm.get_parameters_by_path, Path="/x", ParameterFilters=[{"Key": key, "Values": ["v"]}]
    )
    assert code == "InvalidFilterKey"
    assert (
        message == f"The following filter key is not valid: {key}. Valid filter keys include: [Type, KeyId]."
    )


def test_the_label_filter_only_takes_equals(ssm):
    code, _ = error_of(
        ssm.get_parameters_by_path,
        Path="/x",
        ParameterFilters=[{"Key": "Label", "Option": "BeginsWith", "Values": ["p"]}],
    )
    assert code == "InvalidFilterOption"


@pytest.mark.parametrize("path", ["app", "/a//b", "/bad path"])
def test_a_malformed_path(ssm, path):
    code, message = error_of(ssm.get_parameters_by_path, Path=path)
    assert code == "ValidationException"
    assert message.startswith("The parameter doesn't meet the parameter name requirements.")


def test_a_bad_token(ssm):
    assert error_of(ssm.get_parameters_by_path, Path="/x", NextToken="garbage!")[0] == "InvalidNextToken"
