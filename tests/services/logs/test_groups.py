"""Log groups: CreateLogGroup, DeleteLogGroup, DescribeLogGroups, ListLogGroups, deletion protection."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .support import ACCOUNT, error_of, now_ms, put

ARN_PREFIX = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:"


def test_create_then_describe_answers_every_field(logs):
    before = now_ms()
    logs.create_log_group(logGroupName="/app/web")
    [group] = logs.describe_log_groups()["logGroups"]
    assert before - 1000 <= group.pop("creationTime") <= now_ms() + 1000
    assert group == {
        "logGroupName": "/app/web",
        "arn": ARN_PREFIX + "/app/web:*",
        "logGroupArn": ARN_PREFIX + "/app/web",
        "metricFilterCount": 0,
        "storedBytes": 0,
        "logGroupClass": "STANDARD",
        "deletionProtectionEnabled": False,
    }


def test_kms_key_and_class_are_kept(logs):
    key = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    logs.create_log_group(logGroupName="cold", kmsKeyId=key, logGroupClass="INFREQUENT_ACCESS")
    logs.create_log_group(logGroupName="delivery", logGroupClass="DELIVERY")
    groups = {g["logGroupName"]: g for g in logs.describe_log_groups()["logGroups"]}
    assert groups["cold"]["kmsKeyId"] == key
    assert groups["cold"]["logGroupClass"] == "INFREQUENT_ACCESS"
    assert "retentionInDays" not in groups["cold"]
    # Delivery-class events are kept one day.
    assert groups["delivery"]["retentionInDays"] == 1


def test_bad_class_is_refused_by_validation(logs):
    with pytest.raises(ClientError) as excinfo:
        logs.create_log_group(logGroupName="x", logGroupClass="GLACIER")
    code, message = error_of(excinfo)
    assert code == "InvalidParameterException"
    assert "Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]" in message


def test_creating_an_existing_group_fails(logs):
    logs.create_log_group(logGroupName="dup")
    with pytest.raises(ClientError) as excinfo:
        logs.create_log_group(logGroupName="dup")
    assert error_of(excinfo) == ("ResourceAlreadyExistsException", "The specified log group already exists")
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize("name", ["has space", "a:b", "star*", "é"])
def test_names_outside_the_pattern_are_refused(logs, name):
    with pytest.raises(ClientError) as excinfo:
        logs.create_log_group(logGroupName=name)
    assert error_of(excinfo) == (
        "InvalidParameterException",
        f"1 validation error detected: Value '{name}' at 'logGroupName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+",
    )


def test_name_length_limits(logs):
    logs.create_log_group(logGroupName="a" * 512)
    with pytest.raises(ClientError) as excinfo:
        logs.create_log_group(logGroupName="a" * 513)
    code, message = error_of(excinfo)
    assert code == "InvalidParameterException"
    assert "Member must have length less than or equal to 512" in message


def test_names_may_not_start_with_aws_slash(logs):
    with pytest.raises(ClientError) as excinfo:
        logs.create_log_group(logGroupName="aws/mine")
    # Documented rule; the wording is guessed.
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "Log group names can't start with the string aws/",
    )
    logs.create_log_group(logGroupName="/aws/lambda/fine")


def test_delete_removes_the_group_and_its_streams(logs):
    logs.create_log_group(logGroupName="gone")
    logs.create_log_stream(logGroupName="gone", logStreamName="s")
    logs.delete_log_group(logGroupName="gone")
    assert logs.describe_log_groups()["logGroups"] == []
    # A group of the same name starts empty.
    logs.create_log_group(logGroupName="gone")
    assert logs.describe_log_streams(logGroupName="gone")["logStreams"] == []


def test_deleting_a_missing_group_fails(logs):
    with pytest.raises(ClientError) as excinfo:
        logs.delete_log_group(logGroupName="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log group does not exist.")


def test_describe_sorts_by_name_and_filters_by_prefix(logs):
    for name in ["b/2", "a/1", "B", "a/0", "ab"]:
        logs.create_log_group(logGroupName=name)
    names = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    assert names == ["B", "a/0", "a/1", "ab", "b/2"]  # ASCII order
    prefixed = logs.describe_log_groups(logGroupNamePrefix="a/")["logGroups"]
    assert [g["logGroupName"] for g in prefixed] == ["a/0", "a/1"]


def test_describe_by_pattern_is_a_case_sensitive_substring_with_three_fields(logs):
    for name in ["DataLogs", "aws/x/DataLogs", "GroupDataLogs", "datalogs", "Data/log/s"]:
        logs.create_log_group(logGroupName="/" + name if name.startswith("aws") else name)
    groups = logs.describe_log_groups(logGroupNamePattern="DataLogs")["logGroups"]
    assert [g["logGroupName"] for g in groups] == ["/aws/x/DataLogs", "DataLogs", "GroupDataLogs"]
    assert set(groups[0]) == {"logGroupName", "creationTime", "arn"}


def test_prefix_and_pattern_are_exclusive(logs):
    with pytest.raises(ClientError) as excinfo:
        logs.describe_log_groups(logGroupNamePrefix="a", logGroupNamePattern="b")
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.",
    )


def test_describe_by_class_and_by_identifiers(logs):
    logs.create_log_group(logGroupName="std")
    logs.create_log_group(logGroupName="ia", logGroupClass="INFREQUENT_ACCESS")
    logs.create_log_group(logGroupName="third")
    by_class = logs.describe_log_groups(logGroupClass="INFREQUENT_ACCESS")["logGroups"]
    assert [g["logGroupName"] for g in by_class] == ["ia"]
    by_id = logs.describe_log_groups(logGroupIdentifiers=["third", ARN_PREFIX + "std", "missing"])[
        "logGroups"
    ]
    assert [g["logGroupName"] for g in by_id] == ["std", "third"]


def test_describe_pages_with_limit_and_the_paginator(logs):
    names = [f"g{index:02d}" for index in range(7)]
    for name in names:
        logs.create_log_group(logGroupName=name)
    first = logs.describe_log_groups(limit=3)
    assert [g["logGroupName"] for g in first["logGroups"]] == names[:3]
    second = logs.describe_log_groups(limit=3, nextToken=first["nextToken"])
    assert [g["logGroupName"] for g in second["logGroups"]] == names[3:6]
    third = logs.describe_log_groups(limit=3, nextToken=second["nextToken"])
    assert [g["logGroupName"] for g in third["logGroups"]] == names[6:]
    assert "nextToken" not in third
    pages = logs.get_paginator("describe_log_groups").paginate(PaginationConfig={"PageSize": 2})
    assert [g["logGroupName"] for page in pages for g in page["logGroups"]] == names


def test_describe_limit_is_one_to_fifty(logs):
    with pytest.raises(ClientError) as excinfo:
        logs.describe_log_groups(limit=51)
    code, message = error_of(excinfo)
    assert code == "InvalidParameterException"
    assert "Member must have value less than or equal to 50" in message


def test_a_broken_next_token_is_refused(logs):
    with pytest.raises(ClientError) as excinfo:
        logs.describe_log_groups(nextToken="not-a-token")
    # Guessed wording.
    assert error_of(excinfo) == ("InvalidParameterException", "The specified nextToken is invalid.")


def test_stored_bytes_counts_message_bytes(logs):
    logs.create_log_group(logGroupName="sized")
    logs.create_log_stream(logGroupName="sized", logStreamName="a")
    logs.create_log_stream(logGroupName="sized", logStreamName="b")
    put(logs, "sized", "a", (now_ms(), "héllo"))  # 6 UTF-8 bytes
    put(logs, "sized", "b", (now_ms(), "1234"))
    [group] = logs.describe_log_groups()["logGroups"]
    assert group["storedBytes"] == 10


def test_groups_are_per_account_and_region(logs, aws_client):
    logs.create_log_group(logGroupName="mine")
    other_account = aws_client("logs", aws_access_key_id="111111111111", aws_secret_access_key="x")
    assert other_account.describe_log_groups()["logGroups"] == []
    other_account.create_log_group(logGroupName="mine")  # no clash
    other_region = aws_client("logs", region_name="eu-west-1")
    assert other_region.describe_log_groups()["logGroups"] == []


def test_list_log_groups_by_regex_class_and_tags(logs):
    logs.create_log_group(logGroupName="/aws/lambda/one", tags={"team": "a"})
    logs.create_log_group(logGroupName="/aws/lambda/two", tags={"team": "b"})
    logs.create_log_group(logGroupName="discovery", logGroupClass="INFREQUENT_ACCESS")
    logs.create_log_group(logGroupName="other")
    listed = logs.list_log_groups(logGroupNamePattern="^/aws/lambda|discovery")["logGroups"]
    assert [g["logGroupName"] for g in listed] == ["/aws/lambda/one", "/aws/lambda/two", "discovery"]
    assert listed[0] == {
        "logGroupName": "/aws/lambda/one",
        "logGroupArn": ARN_PREFIX + "/aws/lambda/one",
        "logGroupClass": "STANDARD",
    }
    substring = logs.list_log_groups(logGroupNamePattern="lambda")["logGroups"]
    assert len(substring) == 2
    assert logs.list_log_groups(logGroupNamePattern="^lambda")["logGroups"] == []
    by_class = logs.list_log_groups(logGroupClass="INFREQUENT_ACCESS")["logGroups"]
    assert [g["logGroupName"] for g in by_class] == ["discovery"]
    by_tag = logs.list_log_groups(logGroupTags=[{"key": "team", "values": ["b"]}])["logGroups"]
    assert [g["logGroupName"] for g in by_tag] == ["/aws/lambda/two"]
    any_team = logs.list_log_groups(logGroupTags=[{"key": "team"}])["logGroups"]
    assert len(any_team) == 2


def test_list_log_groups_pages(logs):
    for index in range(5):
        logs.create_log_group(logGroupName=f"g{index}")
    first = logs.list_log_groups(limit=4)
    assert len(first["logGroups"]) == 4
    rest = logs.list_log_groups(limit=4, nextToken=first["nextToken"])
    assert [g["logGroupName"] for g in rest["logGroups"]] == ["g4"]
    assert "nextToken" not in rest


def test_deletion_protection_blocks_deletes_until_disabled(logs):
    logs.create_log_group(logGroupName="kept", deletionProtectionEnabled=True)
    logs.create_log_stream(logGroupName="kept", logStreamName="s")
    [group] = logs.describe_log_groups()["logGroups"]
    assert group["deletionProtectionEnabled"] is True
    with pytest.raises(ClientError) as excinfo:
        logs.delete_log_group(logGroupName="kept")
    assert error_of(excinfo) == (
        "ValidationException",
        "Cannot delete log group with deletion protection enabled. Disable deletion protection first.",
    )
    with pytest.raises(ClientError) as excinfo:
        logs.delete_log_stream(logGroupName="kept", logStreamName="s")
    assert error_of(excinfo)[0] == "ValidationException"  # wording for streams guessed
    logs.put_log_group_deletion_protection(
        logGroupIdentifier=ARN_PREFIX + "kept", deletionProtectionEnabled=False
    )
    logs.delete_log_group(logGroupName="kept")
    assert logs.describe_log_groups()["logGroups"] == []


def test_deletion_protection_of_a_missing_group(logs):
    with pytest.raises(ClientError) as excinfo:
        logs.put_log_group_deletion_protection(logGroupIdentifier="missing", deletionProtectionEnabled=True)
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log group does not exist.")


def test_get_log_record_is_not_implemented(logs):
    with pytest.raises(ClientError) as excinfo:
        logs.get_log_record(logRecordPointer="abc")
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
