"""Bucket ACLs, Object Ownership controls and Block Public Access settings, with their 2023 defaults."""

import pytest
from botocore.exceptions import ClientError

from .support import error_fields, error_of, status_of

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
OTHER_USER = "a" * 64


def _enable_acls(s3, bucket: str) -> None:
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    )
    s3.delete_public_access_block(Bucket=bucket)


def _owner(s3, bucket: str) -> str:
    return s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]


def _grants(s3, bucket: str) -> list[tuple[str, str]]:
    return [
        (grant["Grantee"].get("URI") or grant["Grantee"]["ID"], grant["Permission"])
        for grant in s3.get_bucket_acl(Bucket=bucket)["Grants"]
    ]


# ---------------------------------------------------------------------- defaults


def test_a_new_bucket_has_the_2023_defaults(s3, bucket):
    acl = s3.get_bucket_acl(Bucket=bucket)
    owner = acl["Owner"]["ID"]
    assert len(owner) == 64
    assert acl["Grants"] == [
        {"Grantee": {"ID": owner, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}
    ]
    ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
    assert ownership == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }


def test_bucket_created_with_an_object_ownership(s3):
    s3.create_bucket(Bucket="owned-by-writer", ObjectOwnership="ObjectWriter")
    rules = s3.get_bucket_ownership_controls(Bucket="owned-by-writer")["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "ObjectWriter"}]


# ---------------------------------------------------------------------- ownership controls


def test_ownership_controls_crud(s3, bucket):
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "ObjectWriter"}]
    deleted = s3.delete_bucket_ownership_controls(Bucket=bucket)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_ownership_controls(Bucket=bucket)
    assert error_of(excinfo) == (
        "OwnershipControlsNotFoundError",
        "The bucket ownership controls were not found",
    )
    assert status_of(excinfo) == 404
    assert error_fields(excinfo)["BucketName"] == bucket
    s3.delete_bucket_ownership_controls(Bucket=bucket)


@pytest.mark.parametrize(
    "rules", [[{"ObjectOwnership": "Whatever"}], [{"ObjectOwnership": "ObjectWriter"}] * 2, []]
)
def test_ownership_controls_must_hold_one_valid_rule(s3, bucket, rules):
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": rules})
    assert error_of(excinfo)[0] == "MalformedXML"


def test_acls_cannot_be_disabled_while_they_grant_others(s3, bucket):
    _enable_acls(s3, bucket)
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_ownership_controls(
            Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        )
    assert error_of(excinfo) == (
        "InvalidBucketAclWithObjectOwnership",
        "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
    )
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )


# ---------------------------------------------------------------------- public access block


def test_public_access_block_crud(s3, bucket):
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"BlockPublicPolicy": True})
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": False,
        "IgnorePublicAcls": False,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": False,
    }
    assert s3.delete_public_access_block(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as excinfo:
        s3.get_public_access_block(Bucket=bucket)
    assert error_of(excinfo) == (
        "NoSuchPublicAccessBlockConfiguration",
        "The public access block configuration was not found",
    )
    assert status_of(excinfo) == 404
    s3.delete_public_access_block(Bucket=bucket)


# ---------------------------------------------------------------------- ACLs


def test_acls_are_refused_while_the_bucket_owner_enforces_ownership(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    assert error_of(excinfo) == ("AccessControlListNotSupported", "The bucket does not allow ACLs")
    assert status_of(excinfo) == 400
    # the owner-only ACL is still accepted, in any of its forms
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    s3.put_bucket_acl(Bucket=bucket, ACL="bucket-owner-full-control")
    owner = _owner(s3, bucket)
    s3.put_bucket_acl(Bucket=bucket, GrantFullControl=f'id="{owner}"')
    assert _grants(s3, bucket) == [(owner, "FULL_CONTROL")]


@pytest.mark.parametrize(
    ("canned", "extra"),
    [
        ("private", []),
        ("public-read", [(ALL_USERS, "READ")]),
        ("public-read-write", [(ALL_USERS, "READ"), (ALL_USERS, "WRITE")]),
        ("authenticated-read", [(AUTHENTICATED_USERS, "READ")]),
        ("log-delivery-write", [(LOG_DELIVERY, "WRITE"), (LOG_DELIVERY, "READ_ACP")]),
    ],
)
def test_canned_acls(s3, bucket, canned, extra):
    _enable_acls(s3, bucket)
    s3.put_bucket_acl(Bucket=bucket, ACL=canned)
    owner = _owner(s3, bucket)
    assert _grants(s3, bucket) == [(owner, "FULL_CONTROL"), *extra]


def test_public_acls_are_refused_while_blocked(s3, bucket):
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    assert error_of(excinfo) == ("AccessDenied", "Access Denied")
    s3.put_bucket_acl(Bucket=bucket, ACL="log-delivery-write")


def test_grant_headers(s3, bucket):
    _enable_acls(s3, bucket)
    s3.put_bucket_acl(
        Bucket=bucket, GrantRead=f'uri="{LOG_DELIVERY}", id="{OTHER_USER}"', GrantWriteACP=f"id={OTHER_USER}"
    )
    assert _grants(s3, bucket) == [(LOG_DELIVERY, "READ"), (OTHER_USER, "READ"), (OTHER_USER, "WRITE_ACP")]


def test_access_control_policy_body(s3, bucket):
    _enable_acls(s3, bucket)
    owner = _owner(s3, bucket)
    s3.put_bucket_acl(
        Bucket=bucket,
        AccessControlPolicy={
            "Owner": {"ID": owner},
            "Grants": [
                {"Grantee": {"Type": "CanonicalUser", "ID": owner}, "Permission": "FULL_CONTROL"},
                {"Grantee": {"Type": "Group", "URI": LOG_DELIVERY}, "Permission": "WRITE"},
            ],
        },
    )
    assert _grants(s3, bucket) == [(owner, "FULL_CONTROL"), (LOG_DELIVERY, "WRITE")]


@pytest.mark.parametrize(
    ("kwargs", "code", "message", "fields"),
    [
        (
            {"ACL": "fake-acl"},
            "InvalidArgument",
            None,
            {"ArgumentName": "x-amz-acl", "ArgumentValue": "fake-acl"},
        ),
        (
            {"GrantRead": 'uri="http://acs.amazonaws.com/groups/s3/FakeGroup"'},
            "InvalidArgument",
            "Invalid group uri",
            {"ArgumentName": "uri", "ArgumentValue": "http://acs.amazonaws.com/groups/s3/FakeGroup"},
        ),
        (
            {"GrantWrite": 'fakekey="1234"'},
            "InvalidArgument",
            "Argument format not recognized",
            {"ArgumentName": "x-amz-grant-write", "ArgumentValue": 'fakekey="1234"'},
        ),
        (
            {"GrantRead": 'id="wrong-id"'},
            "InvalidArgument",
            "Invalid id",
            {"ArgumentName": "id", "ArgumentValue": "wrong-id"},
        ),
        (
            {"ACL": "private", "GrantRead": f'id="{OTHER_USER}"'},
            "InvalidRequest",
            "Specifying both Canned ACLs and Header Grants is not allowed",
            {},
        ),
        (
            {"GrantRead": 'emailAddress="someone@example.com"'},
            "UnresolvableGrantByEmailAddress",
            "The e-mail address you provided does not match any account on record.",
            {},
        ),
        (
            {},
            "MissingSecurityHeader",
            "Your request was missing a required header",
            {"MissingHeaderName": "x-amz-acl"},
        ),
    ],
)
def test_invalid_acl_requests(s3, bucket, kwargs, code, message, fields):
    _enable_acls(s3, bucket)
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_acl(Bucket=bucket, **kwargs)
    assert error_of(excinfo) == (code, message)
    assert status_of(excinfo) == 400
    for name, value in fields.items():
        assert error_fields(excinfo)[name] == value


def test_invalid_access_control_policies(s3, bucket):
    _enable_acls(s3, bucket)
    owner = _owner(s3, bucket)

    def put(policy):
        with pytest.raises(ClientError) as excinfo:
            s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy=policy)
        return excinfo

    excinfo = put({"Owner": {"ID": "wrong-id"}, "Grants": []})
    assert error_of(excinfo) == ("InvalidArgument", "Invalid id")
    assert error_fields(excinfo)["ArgumentName"] == "CanonicalUser/ID"
    excinfo = put(
        {
            "Owner": {"ID": owner},
            "Grants": [
                {
                    "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/Fake"},
                    "Permission": "READ",
                }
            ],
        }
    )
    assert error_of(excinfo) == ("InvalidArgument", "Invalid group uri")
    assert error_fields(excinfo)["ArgumentName"] == "Group/URI"
    excinfo = put({"Grants": []})
    assert error_of(excinfo)[0] == "MalformedACLError"


def test_canned_acl_and_body_together(s3, bucket):
    _enable_acls(s3, bucket)
    owner = _owner(s3, bucket)
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_acl(
            Bucket=bucket,
            ACL="private",
            AccessControlPolicy={
                "Owner": {"ID": owner},
                "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": owner}, "Permission": "FULL_CONTROL"}],
            },
        )
    assert error_of(excinfo) == ("UnexpectedContent", "This request does not support content")


def test_bucket_created_with_a_canned_acl(s3):
    s3.create_bucket(Bucket="created-with-acl", ObjectOwnership="ObjectWriter", ACL="log-delivery-write")
    owner = _owner(s3, "created-with-acl")
    assert _grants(s3, "created-with-acl") == [
        (owner, "FULL_CONTROL"),
        (LOG_DELIVERY, "WRITE"),
        (LOG_DELIVERY, "READ_ACP"),
    ]
    s3.put_bucket_acl(Bucket="created-with-acl", ACL="private")
    assert _grants(s3, "created-with-acl") == [(owner, "FULL_CONTROL")]


def test_a_recreated_bucket_starts_with_the_defaults(s3, bucket):
    s3.delete_public_access_block(Bucket=bucket)
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    s3.delete_bucket(Bucket=bucket)
    s3.create_bucket(Bucket=bucket)
    assert (
        s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True
    )
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_tagging(Bucket=bucket)
    assert error_of(excinfo)[0] == "NoSuchTagSet"
