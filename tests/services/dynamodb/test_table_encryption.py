"""Tables encrypted with KMS keys: the key is resolved through KMS (its ARN shown, the AWS-managed
alias/aws/dynamodb key when none is named; unknown or disabled keys refused) (black-box)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

KEYS = {
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
}


@pytest.fixture
def kms(aws_client):
    return aws_client("kms")


def test_a_kms_table_without_a_key_uses_the_aws_managed_key(ddb, kms):
    created = ddb.create_table(TableName="t", SSESpecification={"Enabled": True, "SSEType": "KMS"}, **KEYS)
    managed = kms.describe_key(KeyId="alias/aws/dynamodb")["KeyMetadata"]
    assert created["TableDescription"]["SSEDescription"] == {
        "Status": "ENABLED",
        "SSEType": "KMS",
        "KMSMasterKeyArn": managed["Arn"],
    }
    assert managed["KeyManager"] == "AWS"


def test_a_customer_key_by_alias_is_shown_by_arn(ddb, kms):
    arn = kms.create_key()["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/tables", TargetKeyId=arn)
    ddb.create_table(TableName="t", **KEYS)
    ddb.update_table(
        TableName="t", SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": "alias/tables"}
    )
    assert ddb.describe_table(TableName="t")["Table"]["SSEDescription"]["KMSMasterKeyArn"] == arn


def test_unknown_and_disabled_keys_are_refused(ddb, kms):
    with pytest.raises(ClientError) as caught:
        ddb.create_table(
            TableName="t",
            SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": "alias/missing"},
            **KEYS,
        )
    assert caught.value.response["Error"]["Code"] == "ValidationException"  # guessed wording
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=key_id)
    with pytest.raises(ClientError) as caught:
        ddb.create_table(
            TableName="t",
            SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_id},
            **KEYS,
        )
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert ddb.list_tables()["TableNames"] == []
