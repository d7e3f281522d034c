"""Key policies: the default policy, GetKeyPolicy/PutKeyPolicy/ListKeyPolicies, the lockout safety
check, and — with STRATUS_IAM=enforce — KMS's rule that the key policy must allow (directly, or by
delegating to the account root, whose IAM policies then decide)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from stratus.testing import post_json

from .support import ACCOUNT, error_of, key_arn

DEFAULT_POLICY = (  # KMS's text, as AWS's own SDK examples show it (Jackson's pretty printer)
    "{\n"
    '  "Version" : "2012-10-17",\n'
    '  "Id" : "key-default-1",\n'
    '  "Statement" : [ {\n'
    '    "Sid" : "Enable IAM User Permissions",\n'
    '    "Effect" : "Allow",\n'
    '    "Principal" : {\n'
    f'      "AWS" : "arn:aws:iam::{ACCOUNT}:root"\n'
    "    },\n"
    '    "Action" : "kms:*",\n'
    '    "Resource" : "*"\n'
    "  } ]\n"
    "}"
)
LOCKOUT = "The new key policy will not allow you to update the key policy in the future."


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal: str, action: str = "kms:*") -> dict:
    return {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": action, "Resource": "*"}


ROOT = f"arn:aws:iam::{ACCOUNT}:root"


def test_the_default_key_policy_is_awss_text(kms, key_id):
    answer = kms.get_key_policy(KeyId=key_id, PolicyName="default")
    assert answer["Policy"] == DEFAULT_POLICY
    assert answer["PolicyName"] == "default"
    assert kms.get_key_policy(KeyId=key_id)["Policy"] == DEFAULT_POLICY
    assert kms.list_key_policies(KeyId=key_id)["PolicyNames"] == ["default"]


def test_put_key_policy_stores_the_document_as_given(kms, key_id):
    document = policy(allow(ROOT), allow(f"arn:aws:iam::{ACCOUNT}:user/alice", "kms:Decrypt"))
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=document)
    assert kms.get_key_policy(KeyId=key_id)["Policy"] == document


def test_create_key_with_a_policy(kms):
    document = policy(allow(ROOT))
    key_id = kms.create_key(Policy=document)["KeyMetadata"]["KeyId"]
    assert kms.get_key_policy(KeyId=key_id)["Policy"] == document


def test_the_only_policy_name_is_default(kms, key_id):
    with pytest.raises(ClientError) as caught:
        kms.get_key_policy(KeyId=key_id, PolicyName="other")
    assert error_of(caught)[0] == "NotFoundException"  # message guessed


def test_a_malformed_policy_is_refused(kms, key_id):
    for document in (
        "not json",
        json.dumps({"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}),
    ):
        with pytest.raises(ClientError) as caught:
            kms.put_key_policy(KeyId=key_id, Policy=document)
        assert error_of(caught)[0] == "MalformedPolicyDocumentException"  # messages: IAM grammar's, guessed


def test_the_lockout_safety_check(kms, key_id):
    someone_else = policy(allow(f"arn:aws:iam::{ACCOUNT}:role/admin"))
    with pytest.raises(ClientError) as caught:
        kms.put_key_policy(KeyId=key_id, Policy=someone_else)
    assert error_of(caught) == ("MalformedPolicyDocumentException", LOCKOUT)
    with pytest.raises(ClientError) as caught:
        kms.create_key(Policy=someone_else)
    assert error_of(caught) == ("MalformedPolicyDocumentException", LOCKOUT)
    # Allowing everything but PutKeyPolicy locks out as well.
    with pytest.raises(ClientError) as caught:
        kms.put_key_policy(KeyId=key_id, Policy=policy(allow(ROOT, "kms:Encrypt")))
    assert error_of(caught)[1] == LOCKOUT
    kms.put_key_policy(KeyId=key_id, Policy=someone_else, BypassPolicyLockoutSafetyCheck=True)
    assert kms.get_key_policy(KeyId=key_id)["Policy"] == someone_else


def test_the_lockout_check_judges_the_caller(kms, aws_client):
    # An IAM user named in the policy passes; the account root does not need to be named then.
    iam = aws_client("iam")
    iam.create_user(UserName="keyadmin")
    access = iam.create_access_key(UserName="keyadmin")["AccessKey"]
    admin = aws_client(
        "kms", aws_access_key_id=access["AccessKeyId"], aws_secret_access_key=access["SecretAccessKey"]
    )
    document = policy(allow(f"arn:aws:iam::{ACCOUNT}:user/keyadmin"))
    key_id = admin.create_key(Policy=document)["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as caught:
        kms.put_key_policy(KeyId=key_id, Policy=document)  # the root is not named: locked out
    assert error_of(caught)[1] == LOCKOUT


# -- IAM enforcement ------------------------------------------------------------------------


@pytest.fixture
def enforce(stratus_endpoint):
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})


def user_client(aws_client, name: str, *statements: dict):
    iam = aws_client("iam")
    iam.create_user(UserName=name)
    if statements:
        document = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
        iam.put_user_policy(UserName=name, PolicyName="kms", PolicyDocument=document)
    access = iam.create_access_key(UserName=name)["AccessKey"]
    return aws_client(
        "kms", aws_access_key_id=access["AccessKeyId"], aws_secret_access_key=access["SecretAccessKey"]
    )


IAM_ALLOW_KMS = {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}


def test_the_default_policy_delegates_to_iam_policies(kms, key_id, aws_client, enforce):
    allowed = user_client(aws_client, "app", IAM_ALLOW_KMS)
    assert allowed.encrypt(KeyId=key_id, Plaintext=b"x")["KeyId"] == key_arn(key_id)
    nobody = user_client(aws_client, "nobody")
    with pytest.raises(ClientError) as caught:
        nobody.encrypt(KeyId=key_id, Plaintext=b"x")
    assert error_of(caught)[0] == "AccessDeniedException"


def test_a_key_policy_naming_a_user_allows_without_iam_policies(kms, key_id, aws_client, enforce):
    user = user_client(aws_client, "reader")
    kms.put_key_policy(
        KeyId=key_id, Policy=policy(allow(ROOT), allow(f"arn:aws:iam::{ACCOUNT}:user/reader", "kms:Encrypt"))
    )
    user.encrypt(KeyId=key_id, Plaintext=b"x")
    with pytest.raises(ClientError) as caught:
        user.describe_key(KeyId=key_id)
    assert error_of(caught)[0] == "AccessDeniedException"


def test_iam_policies_alone_do_not_open_a_key_whose_policy_ignores_the_account(
    kms, key_id, aws_client, enforce
):
    admin = user_client(aws_client, "admin", IAM_ALLOW_KMS)
    kms.put_key_policy(
        KeyId=key_id,
        Policy=policy(allow(f"arn:aws:iam::{ACCOUNT}:role/keyowner")),
        BypassPolicyLockoutSafetyCheck=True,
    )
    with pytest.raises(ClientError) as caught:
        admin.encrypt(KeyId=key_id, Plaintext=b"x")
    code, message = error_of(caught)
    assert code == "AccessDeniedException"
    assert message.endswith("because no resource-based policy allows the kms:Encrypt action")
    # Not even the account's root user may use it any more.
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert error_of(caught)[0] == "AccessDeniedException"


def test_an_explicit_deny_in_the_key_policy_wins(kms, key_id, aws_client, enforce):
    admin = user_client(aws_client, "admin", IAM_ALLOW_KMS)
    deny = {
        "Effect": "Deny",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/admin"},
        "Action": "kms:Decrypt",
        "Resource": "*",
    }
    kms.put_key_policy(KeyId=key_id, Policy=policy(allow(ROOT), deny))
    blob = admin.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    with pytest.raises(ClientError) as caught:
        admin.decrypt(CiphertextBlob=blob, KeyId=key_id)
    assert "with an explicit deny in a resource-based policy" in error_of(caught)[1]


def test_encryption_context_conditions_in_the_key_policy(kms, key_id, aws_client, enforce):
    user = user_client(aws_client, "tenant")
    conditional = allow(f"arn:aws:iam::{ACCOUNT}:user/tenant", "kms:Encrypt") | {
        "Condition": {"StringEquals": {"kms:EncryptionContext:tenant": "acme"}}
    }
    kms.put_key_policy(KeyId=key_id, Policy=policy(allow(ROOT), conditional))
    user.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionContext={"tenant": "acme"})
    with pytest.raises(ClientError):
        user.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionContext={"tenant": "other"})


def test_audit_records_the_key_behind_an_alias(kms, key_id, stratus_endpoint):
    import urllib.request

    kms.create_alias(AliasName="alias/audited", TargetKeyId=key_id)
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "audit"})
    kms.encrypt(KeyId="alias/audited", Plaintext=b"x")
    with urllib.request.urlopen(f"{stratus_endpoint}/_stratus/iam/decisions") as response:
        decisions = json.loads(response.read())["decisions"]
    # KMS authorizes on the key an alias names, with the key policy deciding.
    assert {
        (d["action"], d["resource"], d["decision"]) for d in decisions if d["resource"] == key_arn(key_id)
    } == {("kms:Encrypt", key_arn(key_id), "allowed")}
