"""Object ACLs: GetObjectAcl / PutObjectAcl, the ACL members of object writes, and Object Ownership."""

import pytest
from botocore.exceptions import ClientError

from .support import enable_versioning, error_fields, error_of, status_of

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
NOT_SUPPORTED = ("AccessControlListNotSupported", "The bucket does not allow ACLs")
OTHER_USER = "a" * 64


def _owner_id(s3, bucket: str) -> str:
    return s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]


def _full_control(user_id: str) -> dict:
    return {"Grantee": {"Type": "CanonicalUser", "ID": user_id}, "Permission": "FULL_CONTROL"}


def _grants(s3, bucket: str, key: str, **kwargs) -> list[dict]:
    return s3.get_object_acl(Bucket=bucket, Key=key, **kwargs)["Grants"]


@pytest.fixture
def acls_on(s3, bucket) -> str:
    """A bucket with ACLs enabled (ObjectWriter) and public ACLs allowed."""
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    s3.delete_public_access_block(Bucket=bucket)
    return bucket


def test_default_object_acl_is_the_owners_full_control(s3, bucket):
    s3.put_object(Bucket=bucket, Key="doc", Body=b"x")
    owner = _owner_id(s3, bucket)
    acl = s3.get_object_acl(Bucket=bucket, Key="doc")
    assert acl["Owner"]["ID"] == owner
    assert acl["Grants"] == [_full_control(owner)]


def test_acls_are_disabled_by_default(s3, bucket):
    s3.put_object(Bucket=bucket, Key="doc", Body=b"x")
    refused = [
        lambda: s3.put_object_acl(Bucket=bucket, Key="doc", ACL="public-read"),
        lambda: s3.put_object_acl(Bucket=bucket, Key="doc", GrantRead=f'uri="{AUTHENTICATED_USERS}"'),
        lambda: s3.put_object(Bucket=bucket, Key="new", Body=b"x", ACL="public-read"),
        lambda: s3.put_object(Bucket=bucket, Key="new", Body=b"x", GrantRead=f'id="{OTHER_USER}"'),
        lambda: s3.copy_object(
            Bucket=bucket, Key="new", CopySource=f"{bucket}/doc", ACL="authenticated-read"
        ),
        lambda: s3.create_multipart_upload(Bucket=bucket, Key="new", ACL="public-read"),
    ]
    for call in refused:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == NOT_SUPPORTED
        assert status_of(excinfo) == 400
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="new")
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_owner_only_acls_are_accepted_with_acls_disabled(s3, bucket):
    owner = _owner_id(s3, bucket)
    s3.put_object(Bucket=bucket, Key="doc", Body=b"x", ACL="bucket-owner-full-control")
    s3.put_object_acl(Bucket=bucket, Key="doc", ACL="private")
    s3.put_object_acl(
        Bucket=bucket,
        Key="doc",
        AccessControlPolicy={"Owner": {"ID": owner}, "Grants": [_full_control(owner)]},
    )
    assert _grants(s3, bucket, "doc") == [_full_control(owner)]


def test_put_object_acl_canned(s3, acls_on):
    s3.put_object(Bucket=acls_on, Key="doc", Body=b"x")
    owner = _owner_id(s3, acls_on)
    s3.put_object_acl(Bucket=acls_on, Key="doc", ACL="public-read")
    assert _grants(s3, acls_on, "doc") == [
        _full_control(owner),
        {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"},
    ]
    s3.put_object_acl(Bucket=acls_on, Key="doc", ACL="private")
    assert _grants(s3, acls_on, "doc") == [_full_control(owner)]


def test_put_object_acl_with_grant_headers(s3, acls_on):
    s3.put_object(Bucket=acls_on, Key="doc", Body=b"x")
    s3.put_object_acl(
        Bucket=acls_on,
        Key="doc",
        GrantRead=f'uri="{AUTHENTICATED_USERS}", id="{OTHER_USER}"',
        GrantFullControl=f'id="{_owner_id(s3, acls_on)}"',
    )
    assert _grants(s3, acls_on, "doc") == [
        _full_control(_owner_id(s3, acls_on)),
        {"Grantee": {"Type": "Group", "URI": AUTHENTICATED_USERS}, "Permission": "READ"},
        {"Grantee": {"Type": "CanonicalUser", "ID": OTHER_USER}, "Permission": "READ"},
    ]


def test_put_object_acl_with_a_policy_body(s3, acls_on):
    s3.put_object(Bucket=acls_on, Key="doc", Body=b"x")
    owner = _owner_id(s3, acls_on)
    grants = [
        _full_control(owner),
        {"Grantee": {"Type": "CanonicalUser", "ID": OTHER_USER}, "Permission": "READ_ACP"},
    ]
    s3.put_object_acl(
        Bucket=acls_on, Key="doc", AccessControlPolicy={"Owner": {"ID": owner}, "Grants": grants}
    )
    assert _grants(s3, acls_on, "doc") == grants
    with pytest.raises(ClientError) as excinfo:  # the owner cannot be changed
        s3.put_object_acl(
            Bucket=acls_on, Key="doc", AccessControlPolicy={"Owner": {"ID": OTHER_USER}, "Grants": grants}
        )
    assert error_of(excinfo)[0] == "AccessDenied"


def test_put_object_acl_needs_an_acl(s3, acls_on):
    s3.put_object(Bucket=acls_on, Key="doc", Body=b"x")
    with pytest.raises(ClientError) as excinfo:
        s3.put_object_acl(Bucket=acls_on, Key="doc")
    assert error_of(excinfo) == ("MissingSecurityHeader", "Your request was missing a required header")
    with pytest.raises(ClientError) as excinfo:
        s3.put_object_acl(Bucket=acls_on, Key="doc", ACL="private", GrantRead=f'id="{OTHER_USER}"')
    assert error_of(excinfo) == (
        "InvalidRequest",
        "Specifying both Canned ACLs and Header Grants is not allowed",
    )


def test_public_acls_are_blocked_by_block_public_access(s3, bucket):
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    s3.put_object(Bucket=bucket, Key="doc", Body=b"x")
    for call in (
        lambda: s3.put_object_acl(Bucket=bucket, Key="doc", ACL="public-read"),
        lambda: s3.put_object(Bucket=bucket, Key="new", Body=b"x", ACL="authenticated-read"),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == ("AccessDenied", "Access Denied")
    s3.put_object_acl(Bucket=bucket, Key="doc", GrantRead=f'id="{OTHER_USER}"')  # not public: allowed
    assert len(_grants(s3, bucket, "doc")) == 1


def test_acl_given_on_write(s3, acls_on):
    s3.put_object(Bucket=acls_on, Key="doc", Body=b"x", ACL="public-read")
    assert _grants(s3, acls_on, "doc")[1]["Grantee"]["URI"] == ALL_USERS
    s3.copy_object(Bucket=acls_on, Key="copy", CopySource=f"{acls_on}/doc")  # the source's ACL is not copied
    assert len(_grants(s3, acls_on, "copy")) == 1
    s3.copy_object(Bucket=acls_on, Key="copy", CopySource=f"{acls_on}/doc", ACL="authenticated-read")
    assert _grants(s3, acls_on, "copy")[1]["Grantee"]["URI"] == AUTHENTICATED_USERS
    s3.put_object(Bucket=acls_on, Key="doc", Body=b"y")  # an overwrite starts from the default again
    assert len(_grants(s3, acls_on, "doc")) == 1


def test_acl_given_on_a_multipart_upload(s3, acls_on):
    upload = s3.create_multipart_upload(Bucket=acls_on, Key="big", GrantRead=f'id="{OTHER_USER}"')["UploadId"]
    part = s3.upload_part(Bucket=acls_on, Key="big", UploadId=upload, PartNumber=1, Body=b"part")
    s3.complete_multipart_upload(
        Bucket=acls_on,
        Key="big",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert _grants(s3, acls_on, "big") == [
        {"Grantee": {"Type": "CanonicalUser", "ID": OTHER_USER}, "Permission": "READ"}
    ]


def test_object_acl_of_a_version(s3, acls_on):
    enable_versioning(s3, acls_on)
    first = s3.put_object(Bucket=acls_on, Key="doc", Body=b"1")["VersionId"]
    s3.put_object(Bucket=acls_on, Key="doc", Body=b"2")
    s3.put_object_acl(Bucket=acls_on, Key="doc", VersionId=first, ACL="public-read")
    assert len(_grants(s3, acls_on, "doc", VersionId=first)) == 2
    assert len(_grants(s3, acls_on, "doc")) == 1


def test_object_acl_of_missing_objects(s3, bucket):
    enable_versioning(s3, bucket)
    with pytest.raises(ClientError) as excinfo:
        s3.get_object_acl(Bucket=bucket, Key="missing")
    assert error_of(excinfo) == ("NoSuchKey", "The specified key does not exist.")
    assert error_fields(excinfo)["Key"] == "missing"
    s3.put_object(Bucket=bucket, Key="doc", Body=b"x")
    with pytest.raises(ClientError) as excinfo:
        s3.put_object_acl(Bucket=bucket, Key="doc", VersionId="nope", ACL="private")
    assert error_of(excinfo) == ("NoSuchVersion", "The specified version does not exist.")
    s3.delete_object(Bucket=bucket, Key="doc")
    with pytest.raises(ClientError) as excinfo:
        s3.get_object_acl(Bucket=bucket, Key="doc")
    assert status_of(excinfo) == 404


def test_the_writer_owns_its_object_unless_the_bucket_owner_is_preferred(aws_client, s3, acls_on):
    other = aws_client("s3", aws_access_key_id="111111111111", aws_secret_access_key="secret")
    bucket_owner = _owner_id(s3, acls_on)
    other.put_object(Bucket=acls_on, Key="theirs", Body=b"x")
    writer = s3.get_object_acl(Bucket=acls_on, Key="theirs")["Owner"]["ID"]
    assert writer != bucket_owner
    s3.put_bucket_ownership_controls(
        Bucket=acls_on, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    )
    other.put_object(Bucket=acls_on, Key="given", Body=b"x", ACL="bucket-owner-full-control")
    assert s3.get_object_acl(Bucket=acls_on, Key="given")["Owner"]["ID"] == bucket_owner
    s3.put_bucket_ownership_controls(
        Bucket=acls_on, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    enforced = s3.get_object_acl(Bucket=acls_on, Key="theirs")  # ACLs off: the bucket owner owns it all
    assert (enforced["Owner"], enforced["Grants"]) == ({"ID": bucket_owner}, [_full_control(bucket_owner)])
