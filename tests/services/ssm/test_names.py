"""Parameter names: the hierarchy rules, reserved prefixes, limits and selectors."""

from __future__ import annotations

import pytest

from .support import error_of, put

INVALID_NAME = (
    'Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can '
    "consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, "
    "numbers and the following 3 symbols .-_"
)


@pytest.mark.parametrize(
    "name", ["a/b", "/a//b", "/a/b/", "/", "has space", "/x/y@z", "/tab\there", "na:me", "/ünïcode"]
)
def test_malformed_names_are_refused_with_awss_message(ssm, name):
    assert error_of(put, ssm, name) == ("ValidationException", INVALID_NAME)


@pytest.mark.parametrize("name", ["plain", "/a/b/c", "with.dots-and_under", "/Mixed/Case1"])
def test_well_formed_names_are_accepted(ssm, name):
    put(ssm, name, "x")
    assert ssm.get_parameter(Name=name)["Parameter"]["Name"] == name


def test_spaces_around_a_name_are_removed(ssm):
    put(ssm, "  /app/padded ", "x")
    assert ssm.get_parameter(Name="/app/padded")["Parameter"]["Name"] == "/app/padded"


@pytest.mark.parametrize("name", ["aws-thing", "/aws/mine", "AWSome", "/Aws/x"])
def test_the_aws_prefix_is_reserved(ssm, name):
    assert error_of(put, ssm, name) == (
        "AccessDeniedException",
        f"No access to reserved parameter name: {name}.",
    )
    assert error_of(ssm.delete_parameter, Name=name)[0] == "AccessDeniedException"


@pytest.mark.parametrize("name", ["ssm-thing", "/ssm/mine", "/SSM/x"])
def test_the_ssm_prefix_is_reserved(ssm, name):
    assert error_of(put, ssm, name) == ("ValidationException", INVALID_NAME)


def test_fifteen_levels_at_most(ssm):
    fifteen = "".join(f"/l{level}" for level in range(15))
    put(ssm, fifteen)
    code, message = error_of(put, ssm, fifteen + "/deeper")
    assert code == "HierarchyLevelLimitExceededException"
    assert message.startswith("A hierarchy can have a maximum of 15 levels.")


def test_names_up_to_1011_characters(ssm):
    longest = "/" + "n" * 1010
    put(ssm, longest)
    code, message = error_of(put, ssm, longest + "n")
    # Guessed wording (Coral's, for the documented 1011-character limit).
    assert code == "ValidationException"
    assert "Member must have length less than or equal to 1011" in message


def test_names_are_case_sensitive(ssm):
    put(ssm, "/App/key", "upper")
    put(ssm, "/app/key", "lower")
    assert ssm.get_parameter(Name="/App/key")["Parameter"]["Value"] == "upper"


def test_flat_and_hierarchical_arns(ssm):
    put(ssm, "flat")
    put(ssm, "/deep/name")
    assert ssm.get_parameter(Name="flat")["Parameter"]["ARN"].endswith(":parameter/flat")
    assert ssm.get_parameter(Name="/deep/name")["Parameter"]["ARN"].endswith(":parameter/deep/name")


@pytest.mark.parametrize("name", ["/app/x:1:2", "/app/x:", ":1"])
def test_a_malformed_selector_is_refused(ssm, name):
    put(ssm, "/app/x")
    code, message = error_of(ssm.get_parameter, Name=name)
    assert code == "ValidationException"
    assert message == (
        "Invalid parameter name. Please use correct syntax for referencing a version/label  <name>:<version/label>"
    )


def test_reads_check_the_name_too(ssm):
    assert error_of(ssm.get_parameter, Name="bad name") == ("ValidationException", INVALID_NAME)
