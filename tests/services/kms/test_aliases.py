"""CreateAlias, UpdateAlias, DeleteAlias, ListAliases, and the AWS managed keys behind the
predefined `alias/aws/<service>` names."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from botocore.exceptions import ClientError

from .support import ACCOUNT, REGION, alias_arn, error_of, key_arn


def test_create_and_list_an_alias(kms, key_id):
    kms.create_alias(AliasName="alias/orders", TargetKeyId=key_id)
    [entry] = kms.list_aliases(KeyId=key_id)["Aliases"]
    assert isinstance(entry.pop("CreationDate"), datetime)
    assert isinstance(entry.pop("LastUpdatedDate"), datetime)
    assert entry == {
        "AliasName": "alias/orders",
        "AliasArn": alias_arn("alias/orders"),
        "TargetKeyId": key_id,
    }


def test_an_alias_may_target_the_key_by_arn(kms, key_id):
    kms.create_alias(AliasName="alias/by-arn", TargetKeyId=key_arn(key_id))
    assert kms.describe_key(KeyId="alias/by-arn")["KeyMetadata"]["KeyId"] == key_id


def test_alias_names_must_start_with_the_prefix(kms, key_id):
    with pytest.raises(ClientError) as caught:
        kms.create_alias(AliasName="orders", TargetKeyId=key_id)
    assert error_of(caught) == (  # AWS's wording, as LocalStack and ACK users recorded it
        "ValidationException",
        'Alias must start with the prefix "alias/". Please see '
        "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html",
    )


def test_alias_names_are_checked_against_the_pattern(kms, key_id):
    with pytest.raises(ClientError) as caught:
        kms.create_alias(AliasName="alias/has space", TargetKeyId=key_id)
    assert error_of(caught)[1] == (
        "1 validation error detected: Value 'alias/has space' at 'aliasName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"
    )
    with pytest.raises(ClientError) as caught:
        kms.create_alias(AliasName="alias/a:b", TargetKeyId=key_id)
    assert error_of(caught) == ("ValidationException", "alias/a:b contains invalid characters for an alias")


def test_the_aws_prefix_is_reserved(kms, key_id):
    with pytest.raises(ClientError) as caught:
        kms.create_alias(AliasName="alias/aws/mine", TargetKeyId=key_id)
    assert error_of(caught)[0] == "NotAuthorizedException"  # as moto records AWS's answer


def test_an_alias_name_is_unique(kms, key_id):
    kms.create_alias(AliasName="alias/orders", TargetKeyId=key_id)
    with pytest.raises(ClientError) as caught:
        kms.create_alias(AliasName="alias/orders", TargetKeyId=key_id)
    assert error_of(caught) == (
        "AlreadyExistsException",
        f"An alias with the name {alias_arn('alias/orders')} already exists",
    )


def test_an_alias_targets_a_key_not_an_alias(kms, key_id):
    kms.create_alias(AliasName="alias/orders", TargetKeyId=key_id)
    with pytest.raises(ClientError) as caught:
        kms.create_alias(AliasName="alias/second", TargetKeyId="alias/orders")
    assert error_of(caught) == ("ValidationException", "Aliases must refer to keys. Not aliases")


def test_an_alias_cannot_point_at_a_key_pending_deletion(kms, key_id):
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    with pytest.raises(ClientError) as caught:
        kms.create_alias(AliasName="alias/late", TargetKeyId=key_id)
    assert error_of(caught) == ("KMSInvalidStateException", f"{key_arn(key_id)} is pending deletion.")


def test_update_alias_moves_it_to_another_key_of_the_same_type(kms, key_id):
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/current", TargetKeyId=key_id)
    kms.update_alias(AliasName="alias/current", TargetKeyId=other)
    assert kms.describe_key(KeyId="alias/current")["KeyMetadata"]["KeyId"] == other
    assert kms.list_aliases(KeyId=key_id)["Aliases"] == []
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as caught:
        kms.update_alias(AliasName="alias/current", TargetKeyId=signing)
    assert error_of(caught)[0] == "ValidationException"  # message guessed


def test_update_of_a_missing_alias_is_not_found(kms, key_id):
    with pytest.raises(ClientError) as caught:
        kms.update_alias(AliasName="alias/ghost", TargetKeyId=key_id)
    assert error_of(caught) == ("NotFoundException", f"Alias {alias_arn('alias/ghost')} is not found.")


def test_delete_alias(kms, key_id):
    kms.create_alias(AliasName="alias/gone", TargetKeyId=key_id)
    kms.delete_alias(AliasName="alias/gone")
    with pytest.raises(ClientError) as caught:
        kms.delete_alias(AliasName="alias/gone")
    assert error_of(caught) == ("NotFoundException", f"Alias {alias_arn('alias/gone')} is not found.")
    kms.describe_key(KeyId=key_id)  # the key stays


def test_list_aliases_pages_and_includes_predefined_aws_aliases(kms, key_id):
    for name in ("alias/a", "alias/b", "alias/c"):
        kms.create_alias(AliasName=name, TargetKeyId=key_id)
    names, marker = [], None
    while True:
        page = kms.list_aliases(Limit=4, **({"Marker": marker} if marker else {}))
        names += [alias["AliasName"] for alias in page["Aliases"]]
        if not page["Truncated"]:
            break
        marker = page["NextMarker"]
    assert names == sorted(names)
    assert {"alias/a", "alias/b", "alias/c", "alias/aws/s3", "alias/aws/secretsmanager"} <= set(names)
    predefined = next(a for a in kms.list_aliases(Limit=100)["Aliases"] if a["AliasName"] == "alias/aws/ssm")
    # Documented: predefined aliases not yet associated with a key have no TargetKeyId.
    assert predefined == {"AliasName": "alias/aws/ssm", "AliasArn": alias_arn("alias/aws/ssm")}


def test_list_aliases_of_a_missing_key_is_not_found(kms):
    with pytest.raises(ClientError) as caught:
        kms.list_aliases(KeyId="0b5c3c43-d1f4-4e5a-9c4e-6f3c7f0c5d1a")
    assert error_of(caught)[0] == "NotFoundException"


# -- AWS managed keys -----------------------------------------------------------------------


def test_an_aws_managed_key_is_created_on_first_use_of_its_alias(kms):
    metadata = kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]
    assert metadata["KeyManager"] == "AWS"
    assert metadata["KeySpec"] == "SYMMETRIC_DEFAULT"
    key_id = metadata["KeyId"]
    # The same key from then on, listed with its alias and in ListKeys.
    assert kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]["KeyId"] == key_id
    [alias] = kms.list_aliases(KeyId=key_id)["Aliases"]
    assert alias["AliasName"] == "alias/aws/secretsmanager"
    assert key_id in [k["KeyId"] for k in kms.list_keys()["Keys"]]
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 365


def test_an_aws_managed_key_policy_allows_use_through_its_service(kms):
    key_id = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["KeyId"]
    policy = json.loads(kms.get_key_policy(KeyId=key_id)["Policy"])
    using, reading = policy["Statement"]
    assert using["Condition"]["StringEquals"] == {
        "kms:CallerAccount": ACCOUNT,
        "kms:ViaService": f"s3.{REGION}.amazonaws.com",
    }
    assert using["Principal"] == {"AWS": "*"}
    assert reading["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert reading["Action"] == ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"]


def test_encrypting_with_an_aws_managed_alias_creates_and_uses_the_key(kms):
    blob = kms.encrypt(KeyId="alias/aws/ssm", Plaintext=b"param")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"param"


def test_an_unknown_aws_alias_is_not_found(kms):
    with pytest.raises(ClientError) as caught:
        kms.describe_key(KeyId="alias/aws/not-a-service")
    assert error_of(caught) == (
        "NotFoundException",
        f"Alias {alias_arn('alias/aws/not-a-service')} is not found.",
    )


def test_aws_managed_keys_cannot_be_changed(kms):
    key_id = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]["KeyId"]
    for call in (
        lambda: kms.disable_key(KeyId=key_id),
        lambda: kms.schedule_key_deletion(KeyId=key_id),
        lambda: kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "a", "TagValue": "b"}]),
        lambda: kms.create_alias(AliasName="alias/mine", TargetKeyId=key_id),
        lambda: kms.enable_key_rotation(KeyId=key_id),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert error_of(caught)[0] == "AccessDeniedException"
    with pytest.raises(ClientError):
        kms.delete_alias(AliasName="alias/aws/ebs")
