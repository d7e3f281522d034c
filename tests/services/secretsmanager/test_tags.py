"""TagResource and UntagResource."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .support import error_of


def test_tags_are_added_replaced_and_removed(sm, secret):
    assert "Tags" not in sm.describe_secret(SecretId="app/db")
    sm.tag_resource(SecretId="app/db", Tags=[{"Key": "tag1", "Value": "value1"}])
    assert sm.describe_secret(SecretId="app/db")["Tags"] == [{"Key": "tag1", "Value": "value1"}]
    sm.tag_resource(
        SecretId="app/db", Tags=[{"Key": "tag2", "Value": "value2"}, {"Key": "tag1", "Value": "new"}]
    )
    assert sm.describe_secret(SecretId="app/db")["Tags"] == [
        {"Key": "tag1", "Value": "new"},
        {"Key": "tag2", "Value": "value2"},
    ]
    sm.untag_resource(SecretId="app/db", TagKeys=["tag1", "not-there"])
    assert sm.describe_secret(SecretId="app/db")["Tags"] == [{"Key": "tag2", "Value": "value2"}]
    sm.untag_resource(SecretId="app/db", TagKeys=["tag2"])
    assert sm.describe_secret(SecretId="app/db")["Tags"] == []


def test_tags_given_at_creation(sm):
    sm.create_secret(
        Name="tagged", SecretString="x", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": ""}]
    )
    assert sm.describe_secret(SecretId="tagged")["Tags"] == [
        {"Key": "a", "Value": "1"},
        {"Key": "b", "Value": ""},
    ]


def test_tag_limits(sm, secret):
    # guessed wordings
    with pytest.raises(ClientError) as caught:
        sm.tag_resource(SecretId="app/db", Tags=[{"Key": "aws:reserved", "Value": "x"}])
    assert error_of(caught)[0] == "InvalidParameterException"
    sm.tag_resource(SecretId="app/db", Tags=[{"Key": f"k{index}", "Value": "v"} for index in range(50)])
    with pytest.raises(ClientError) as caught:
        sm.tag_resource(SecretId="app/db", Tags=[{"Key": "k50", "Value": "v"}])
    assert error_of(caught)[0] == "InvalidParameterException"


def test_tagging_unknown_or_deleted_secrets_fails(sm, secret):
    with pytest.raises(ClientError) as caught:
        sm.tag_resource(SecretId="missing", Tags=[{"Key": "a", "Value": "b"}])
    assert error_of(caught)[0] == "ResourceNotFoundException"
    sm.delete_secret(SecretId="app/db")
    with pytest.raises(ClientError) as caught:
        sm.untag_resource(SecretId="app/db", TagKeys=["a"])
    assert error_of(caught)[0] == "InvalidRequestException"
