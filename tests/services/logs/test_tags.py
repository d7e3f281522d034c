"""Log group tags, by name (TagLogGroup...) and by ARN (TagResource...)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .support import ACCOUNT, error_of

ARN = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:tagged"


@pytest.fixture
def tagged(logs):
    logs.create_log_group(logGroupName="tagged", tags={"team": "web", "env": "dev"})
    return "tagged"


def test_tags_given_at_creation(logs, tagged):
    assert logs.list_tags_log_group(logGroupName=tagged)["tags"] == {"team": "web", "env": "dev"}
    assert logs.list_tags_for_resource(resourceArn=ARN)["tags"] == {"team": "web", "env": "dev"}


def test_tag_and_untag_by_name(logs, tagged):
    logs.tag_log_group(logGroupName=tagged, tags={"env": "prod", "cost": "42"})
    assert logs.list_tags_log_group(logGroupName=tagged)["tags"] == {
        "team": "web",
        "env": "prod",
        "cost": "42",
    }
    logs.untag_log_group(logGroupName=tagged, tags=["team", "absent"])
    assert logs.list_tags_log_group(logGroupName=tagged)["tags"] == {"env": "prod", "cost": "42"}


def test_tag_and_untag_by_arn(logs, tagged):
    logs.tag_resource(resourceArn=ARN, tags={"owner": "me"})
    logs.untag_resource(resourceArn=ARN, tagKeys=["env"])
    assert logs.list_tags_for_resource(resourceArn=ARN)["tags"] == {"team": "web", "owner": "me"}


def test_a_group_without_tags_lists_none(logs):
    logs.create_log_group(logGroupName="bare")
    assert logs.list_tags_log_group(logGroupName="bare")["tags"] == {}


def test_tagging_a_missing_group(logs):
    with pytest.raises(ClientError) as excinfo:
        logs.tag_log_group(logGroupName="nope", tags={"a": "b"})
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log group does not exist.")
    with pytest.raises(ClientError) as excinfo:
        logs.list_tags_for_resource(resourceArn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log group does not exist.")


def test_a_bad_arn_is_refused(logs):
    with pytest.raises(ClientError) as excinfo:
        logs.tag_resource(resourceArn="arn:aws:sqs:us-east-1:000000000000:queue", tags={"a": "b"})
    assert error_of(excinfo)[0] == "InvalidParameterException"  # wording guessed


def test_at_most_50_tags(logs, tagged):
    many = {f"k{index}": "v" for index in range(48)}
    logs.tag_resource(resourceArn=ARN, tags=many)  # 2 + 48 = 50
    with pytest.raises(ClientError) as excinfo:
        logs.tag_resource(resourceArn=ARN, tags={"one-more": "v"})
    assert error_of(excinfo)[0] == "TooManyTagsException"  # wording guessed
    assert excinfo.value.response["resourceName"] == ARN
    with pytest.raises(ClientError) as excinfo:
        logs.tag_log_group(logGroupName=tagged, tags={"one-more": "v"})
    assert error_of(excinfo)[0] == "InvalidParameterException"
    logs.tag_resource(resourceArn=ARN, tags={"k0": "replaced"})  # replacing adds nothing
    assert len(logs.list_tags_for_resource(resourceArn=ARN)["tags"]) == 50


def test_tag_keys_follow_the_pattern(logs, tagged):
    with pytest.raises(ClientError) as excinfo:
        logs.tag_resource(resourceArn=ARN, tags={"bad!key": "v"})
    code, message = error_of(excinfo)
    assert code == "InvalidParameterException"
    assert "Map keys must satisfy constraint: [Member must satisfy regular expression pattern" in message
    assert message.startswith("1 validation error detected: Value '{bad!key=v}' at 'tags'")
    with pytest.raises(ClientError) as excinfo:
        logs.tag_log_group(logGroupName=tagged, tags={"fine": "bad!value"})
    assert (
        "Map value must satisfy constraint: [Member must satisfy regular expression pattern"
        in error_of(excinfo)[1]
    )
    logs.tag_resource(resourceArn=ARN, tags={"Ünïcode key 1": "välue/x=y+z@"})  # letters of any script


def test_aws_prefixed_keys_are_reserved(logs, tagged):
    with pytest.raises(ClientError) as excinfo:
        logs.tag_log_group(logGroupName=tagged, tags={"aws:thing": "v"})
    assert error_of(excinfo)[0] == "InvalidParameterException"  # wording guessed
