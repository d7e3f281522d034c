"""TagResource, UntagResource and ListResourceTags."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .support import error_of


def test_tag_replace_untag_and_list(kms, key_id):
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "b", "TagValue": "2"}, {"TagKey": "a", "TagValue": "1"}])
    kms.tag_resource(
        KeyId=key_id, Tags=[{"TagKey": "a", "TagValue": "one"}, {"TagKey": "empty", "TagValue": ""}]
    )
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [
        {"TagKey": "a", "TagValue": "one"},
        {"TagKey": "b", "TagValue": "2"},
        {"TagKey": "empty", "TagValue": ""},
    ]
    kms.untag_resource(KeyId=key_id, TagKeys=["b", "never-there"])
    assert [t["TagKey"] for t in kms.list_resource_tags(KeyId=key_id)["Tags"]] == ["a", "empty"]


def test_list_resource_tags_pages(kms, key_id):
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": f"k{i}", "TagValue": "v"} for i in range(5)])
    first = kms.list_resource_tags(KeyId=key_id, Limit=3)
    assert first["Truncated"] is True and len(first["Tags"]) == 3
    rest = kms.list_resource_tags(KeyId=key_id, Limit=3, Marker=first["NextMarker"])
    assert rest["Truncated"] is False
    assert [t["TagKey"] for t in first["Tags"] + rest["Tags"]] == [f"k{i}" for i in range(5)]


def test_aws_prefixed_tag_keys_are_reserved(kms, key_id):
    with pytest.raises(ClientError) as caught:
        kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "aws:owner", "TagValue": "x"}])
    assert error_of(caught)[0] == "TagException"  # message guessed


def test_fifty_tags_at_most(kms, key_id):
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": f"k{i}", "TagValue": "v"} for i in range(50)])
    with pytest.raises(ClientError) as caught:
        kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "one-more", "TagValue": "v"}])
    assert error_of(caught)[0] == "LimitExceededException"  # message guessed


def test_a_key_pending_deletion_cannot_be_tagged(kms, key_id):
    kms.schedule_key_deletion(KeyId=key_id)
    with pytest.raises(ClientError) as caught:
        kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "a", "TagValue": "b"}])
    assert error_of(caught)[0] == "KMSInvalidStateException"
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == []  # listing is allowed in any state
