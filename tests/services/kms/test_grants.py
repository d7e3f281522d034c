"""Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant, and grants
allowing operations under STRATUS_IAM=enforce (with their encryption context constraints)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from botocore.exceptions import ClientError

from stratus.testing import post_json

from .support import ACCOUNT, error_of, key_arn

APP = f"arn:aws:iam::{ACCOUNT}:user/app"
RETIRER = f"arn:aws:iam::{ACCOUNT}:role/retirer"


def test_create_and_list_a_grant(kms, key_id):
    answer = kms.create_grant(
        KeyId=key_id,
        GranteePrincipal=APP,
        RetiringPrincipal=RETIRER,
        Operations=["Encrypt", "Decrypt"],
        Constraints={"EncryptionContextSubset": {"tenant": "acme"}},
        Name="app-grant",
    )
    assert len(answer["GrantId"]) == 64 and answer["GrantToken"]
    [grant] = kms.list_grants(KeyId=key_id)["Grants"]
    assert isinstance(grant.pop("CreationDate"), datetime)
    assert grant == {
        "KeyId": key_arn(key_id),
        "GrantId": answer["GrantId"],
        "Name": "app-grant",
        "GranteePrincipal": APP,
        "RetiringPrincipal": RETIRER,
        "IssuingAccount": f"arn:aws:iam::{ACCOUNT}:root",
        "Operations": ["Encrypt", "Decrypt"],
        "Constraints": {"EncryptionContextSubset": {"tenant": "acme"}},
    }


def test_a_named_grant_is_created_once(kms, key_id):
    first = kms.create_grant(KeyId=key_id, GranteePrincipal=APP, Operations=["Decrypt"], Name="once")
    again = kms.create_grant(KeyId=key_id, GranteePrincipal=APP, Operations=["Decrypt"], Name="once")
    assert again["GrantId"] == first["GrantId"]
    assert again["GrantToken"] != first["GrantToken"]  # a new token every time
    assert len(kms.list_grants(KeyId=key_id)["Grants"]) == 1


def test_grant_operations_must_suit_the_key(kms, key_id):
    with pytest.raises(ClientError) as caught:
        kms.create_grant(KeyId=key_id, GranteePrincipal=APP, Operations=["Sign"])
    assert error_of(caught)[0] == "ValidationException"  # message guessed
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    kms.create_grant(KeyId=signing, GranteePrincipal=APP, Operations=["Sign", "Verify", "GetPublicKey"])
    with pytest.raises(ClientError) as caught:  # no encryption context on asymmetric keys
        kms.create_grant(
            KeyId=signing,
            GranteePrincipal=APP,
            Operations=["Sign"],
            Constraints={"EncryptionContextEquals": {"a": "b"}},
        )
    assert error_of(caught)[0] == "ValidationException"


def test_a_grantee_is_required(kms, key_id):
    with pytest.raises(ClientError) as caught:
        kms.create_grant(KeyId=key_id, Operations=["Decrypt"])
    assert error_of(caught)[0] == "ValidationException"


def test_a_disabled_key_takes_no_grants(kms, key_id):
    kms.disable_key(KeyId=key_id)
    with pytest.raises(ClientError) as caught:
        kms.create_grant(KeyId=key_id, GranteePrincipal=APP, Operations=["Decrypt"])
    assert error_of(caught)[0] == "DisabledException"


def test_list_grants_filters_and_pages(kms, key_id):
    ids = [
        kms.create_grant(KeyId=key_id, GranteePrincipal=APP, Operations=["Decrypt"])["GrantId"]
        for _ in range(3)
    ]
    other = kms.create_grant(KeyId=key_id, GranteePrincipal=RETIRER, Operations=["Encrypt"])["GrantId"]
    assert [g["GrantId"] for g in kms.list_grants(KeyId=key_id, GranteePrincipal=APP)["Grants"]] == ids
    assert [g["GrantId"] for g in kms.list_grants(KeyId=key_id, GrantId=other)["Grants"]] == [other]
    first = kms.list_grants(KeyId=key_id, Limit=3)
    assert first["Truncated"] is True
    rest = kms.list_grants(KeyId=key_id, Limit=3, Marker=first["NextMarker"])
    assert [g["GrantId"] for g in first["Grants"] + rest["Grants"]] == [*ids, other]
    with pytest.raises(ClientError) as caught:
        kms.list_grants(KeyId=key_id, GrantId="not-a-grant-id")
    assert error_of(caught)[0] == "InvalidGrantIdException"


def test_retire_by_token_or_by_id(kms, key_id):
    by_token = kms.create_grant(
        KeyId=key_id, GranteePrincipal=APP, RetiringPrincipal=RETIRER, Operations=["Decrypt"]
    )
    by_id = kms.create_grant(
        KeyId=key_id, GranteePrincipal=APP, RetiringPrincipal=RETIRER, Operations=["Decrypt"]
    )
    retirable = kms.list_retirable_grants(RetiringPrincipal=RETIRER)["Grants"]
    assert {g["GrantId"] for g in retirable} == {by_token["GrantId"], by_id["GrantId"]}
    kms.retire_grant(GrantToken=by_token["GrantToken"])
    kms.retire_grant(KeyId=key_arn(key_id), GrantId=by_id["GrantId"])
    assert kms.list_grants(KeyId=key_id)["Grants"] == []
    with pytest.raises(ClientError) as caught:
        kms.retire_grant(GrantToken=by_token["GrantToken"])
    assert error_of(caught)[0] == "NotFoundException"
    with pytest.raises(ClientError) as caught:
        kms.retire_grant(GrantToken="garbage")
    assert error_of(caught)[0] == "InvalidGrantTokenException"
    with pytest.raises(ClientError) as caught:
        kms.retire_grant(GrantId=by_id["GrantId"])
    assert error_of(caught)[0] == "ValidationException"


def test_revoke_grant(kms, key_id):
    grant_id = kms.create_grant(KeyId=key_id, GranteePrincipal=APP, Operations=["Decrypt"])["GrantId"]
    kms.revoke_grant(KeyId=key_id, GrantId=grant_id)
    assert kms.list_grants(KeyId=key_id)["Grants"] == []
    with pytest.raises(ClientError) as caught:
        kms.revoke_grant(KeyId=key_id, GrantId=grant_id)
    assert error_of(caught)[0] == "NotFoundException"


def test_grant_tokens_are_accepted_in_requests(kms, key_id):
    token = kms.create_grant(KeyId=key_id, GranteePrincipal=APP, Operations=["Encrypt"])["GrantToken"]
    kms.encrypt(KeyId=key_id, Plaintext=b"x", GrantTokens=[token])
    with pytest.raises(ClientError) as caught:
        kms.create_grant(
            KeyId=key_id, GranteePrincipal=APP, Operations=["Encrypt"], GrantTokens=["not a token"]
        )
    assert error_of(caught)[0] == "InvalidGrantTokenException"


# -- grants under IAM enforcement -----------------------------------------------------------


def test_a_grant_opens_a_key_whose_policy_does_not(kms, key_id, aws_client, stratus_endpoint):
    iam = aws_client("iam")
    iam.create_user(UserName="app")
    iam.put_user_policy(
        UserName="app",
        PolicyName="kms",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
        ),
    )
    access = iam.create_access_key(UserName="app")["AccessKey"]
    app = aws_client(
        "kms", aws_access_key_id=access["AccessKeyId"], aws_secret_access_key=access["SecretAccessKey"]
    )
    owner_only = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/owner"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )
    kms.create_grant(
        KeyId=key_id,
        GranteePrincipal=APP,
        Operations=["Encrypt", "Decrypt"],
        Constraints={"EncryptionContextSubset": {"tenant": "acme"}},
    )
    kms.put_key_policy(KeyId=key_id, Policy=owner_only, BypassPolicyLockoutSafetyCheck=True)
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    blob = app.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionContext={"tenant": "acme", "more": "ok"})
    assert app.decrypt(
        CiphertextBlob=blob["CiphertextBlob"], EncryptionContext={"tenant": "acme", "more": "ok"}
    )
    with pytest.raises(ClientError) as caught:  # outside the grant's constraint
        app.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionContext={"tenant": "other"})
    assert error_of(caught)[0] == "AccessDeniedException"
    with pytest.raises(ClientError) as caught:  # not an operation of the grant
        app.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext={"tenant": "acme"})
    assert error_of(caught)[0] == "AccessDeniedException"
