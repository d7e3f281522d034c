"""AddTagsToResource, RemoveTagsFromResource and ListTagsForResource on parameters."""

from __future__ import annotations

import json
import os

import pytest

from stratus.testing import post_json

from .support import error_of, put


def tags(ssm, name: str) -> list[dict]:
    return ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=name)["TagList"]


def test_add_replace_and_remove(ssm):
    put(ssm, "/t/key")
    ssm.add_tags_to_resource(
        ResourceType="Parameter",
        ResourceId="/t/key",
        Tags=[{"Key": "b", "Value": "1"}, {"Key": "a", "Value": "2"}],
    )
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/t/key", Tags=[{"Key": "b", "Value": "3"}])
    assert tags(ssm, "/t/key") == [{"Key": "a", "Value": "2"}, {"Key": "b", "Value": "3"}]
    ssm.remove_tags_from_resource(ResourceType="Parameter", ResourceId="/t/key", TagKeys=["a", "absent"])
    assert tags(ssm, "/t/key") == [{"Key": "b", "Value": "3"}]


def test_tags_survive_overwrites(ssm):
    put(ssm, "/t/key", Tags=[{"Key": "k", "Value": "v"}])
    ssm.put_parameter(Name="/t/key", Value="2", Overwrite=True)
    assert tags(ssm, "/t/key") == [{"Key": "k", "Value": "v"}]


def test_fifty_tags_at_most(ssm):
    put(ssm, "/t/key")
    ssm.add_tags_to_resource(
        ResourceType="Parameter",
        ResourceId="/t/key",
        Tags=[{"Key": f"k{n}", "Value": "v"} for n in range(50)],
    )
    code, _ = error_of(
        ssm.add_tags_to_resource,
        ResourceType="Parameter",
        ResourceId="/t/key",
        Tags=[{"Key": "one-more", "Value": "v"}],
    )
    assert code == "TooManyTagsError"
    assert len(tags(ssm, "/t/key")) == 50


def test_a_missing_parameter(ssm):
    code, message = error_of(ssm.list_tags_for_resource, ResourceType="Parameter", ResourceId="/t/none")
    assert (code, message) == (
        "InvalidResourceId",
        "The resource ID isn't valid. Verify that you entered the correct ID and try again.",
    )


def test_tag_patterns(ssm):
    put(ssm, "/t/key")
    code, message = error_of(
        ssm.add_tags_to_resource,
        ResourceType="Parameter",
        ResourceId="/t/key",
        Tags=[{"Key": "bad#key", "Value": "v"}],
    )
    assert code == "ValidationException"
    assert "at 'tags.1.member.key' failed to satisfy constraint" in message
    code, _ = error_of(put, ssm, "/t/other", Tags=[{"Key": "k", "Value": "bad*value"}])
    assert code == "ValidationException"


def test_other_resource_types_are_not_implemented(ssm):
    code, _ = error_of(ssm.list_tags_for_resource, ResourceType="Document", ResourceId="my-doc")
    assert code == "NotImplemented"


@pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="switches the IAM mode")
def test_iam_conditions_see_a_parameters_tags(ssm, aws_client, stratus_endpoint):
    put(ssm, "/t/core", Tags=[{"Key": "team", "Value": "core"}])
    put(ssm, "/t/edge", Tags=[{"Key": "team", "Value": "edge"}])
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    iam = aws_client("iam")
    iam.create_user(UserName="core-dev")
    statement = {
        "Effect": "Allow",
        "Action": "ssm:GetParameter",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceTag/team": "core"}},
    }
    iam.put_user_policy(
        UserName="core-dev",
        PolicyName="p",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    )
    key = iam.create_access_key(UserName="core-dev")["AccessKey"]
    dev = aws_client(
        "ssm", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )
    assert dev.get_parameter(Name="/t/core")["Parameter"]["Value"] == "v"
    assert error_of(dev.get_parameter, Name="/t/edge")[0] == "AccessDeniedException"
