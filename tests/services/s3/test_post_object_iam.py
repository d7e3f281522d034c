"""Browser uploads (POST Object) with IAM on: the signature verified, unknown keys refused, the
signer needing s3:PutObject, anonymous forms needing the bucket policy, the credential's region
and session tokens; and any signature accepted with IAM off.
"""

from __future__ import annotations

import json

from botocore.config import Config

from stratus.testing import post_json

from .post_object_support import (
    multipart,
    post,
    s3v4_fixture,  # noqa: F401
    send,
    switches_iam,
)

# ---------------------------------------------------------------------------------------- IAM on


@switches_iam
def test_with_iam_on_the_signature_is_verified(s3, s3v4, bucket, stratus_endpoint):
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    good = s3v4.generate_presigned_post(bucket, "signed.txt")
    assert post(good).status == 204
    forged = dict(good, fields=dict(good["fields"], **{"x-amz-signature": "0" * 64}))
    answer = post(forged)
    assert answer.status == 403
    error = answer.error()
    assert error["Code"] == "SignatureDoesNotMatch"
    assert error["StringToSign"] == good["fields"]["policy"]
    assert error["SignatureProvided"] == "0" * 64
    v2 = s3.generate_presigned_post(bucket, "v2.txt")
    assert post(v2).status == 204
    assert (
        post(dict(v2, fields=dict(v2["fields"], signature="AAAA"))).error()["Code"] == "SignatureDoesNotMatch"
    )


@switches_iam
def test_with_iam_on_an_unknown_key_is_refused(aws_client, bucket, stratus_endpoint):
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    stranger = aws_client(
        "s3",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="secret",
        config=Config(signature_version="s3v4"),
    )
    error = post(stranger.generate_presigned_post(bucket, "k")).error()
    assert (error["Code"], error["AWSAccessKeyId"]) == ("InvalidAccessKeyId", "AKIAIOSFODNN7EXAMPLE")


@switches_iam
def test_with_iam_on_the_signer_needs_s3_put_object(aws_client, s3, bucket, stratus_endpoint):
    iam = aws_client("iam")
    iam.create_user(UserName="uploader")
    key = iam.create_access_key(UserName="uploader")["AccessKey"]
    uploader = aws_client(
        "s3",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
        config=Config(signature_version="s3v4"),
    )
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    answer = post(uploader.generate_presigned_post(bucket, "k"))
    assert answer.status == 403 and answer.error()["Code"] == "AccessDenied"
    iam.put_user_policy(
        UserName="uploader",
        PolicyName="put",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
                ],
            }
        ),
    )
    assert post(uploader.generate_presigned_post(bucket, "k")).status == 204


def test_with_iam_off_any_signature_is_accepted(s3v4, bucket):
    presigned = s3v4.generate_presigned_post(bucket, "k")
    presigned["fields"]["x-amz-signature"] = "f" * 64
    assert post(presigned).status == 204


@switches_iam
def test_with_iam_on_an_anonymous_form_needs_the_bucket_policy(s3, bucket, stratus_endpoint):
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    content_type, body = multipart({"key": "public/drop.txt"}, ("drop.txt", b"anonymous"))
    refused = send(f"{stratus_endpoint}/{bucket}", body, content_type)
    assert (refused.status, refused.error()["Code"]) == (403, "AccessDenied")
    s3.delete_public_access_block(Bucket=bucket)  # new buckets block public policies
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:PutObject",
                        "Resource": f"arn:aws:s3:::{bucket}/public/*",
                    }
                ],
            }
        ),
    )
    assert send(f"{stratus_endpoint}/{bucket}", body, content_type).status == 204
    assert s3.get_object(Bucket=bucket, Key="public/drop.txt")["Body"].read() == b"anonymous"


@switches_iam
def test_with_iam_on_the_credential_must_name_the_buckets_region(aws_client, stratus_endpoint):
    european = aws_client("s3", region_name="eu-west-1")
    european.create_bucket(Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    presigned = aws_client("s3", config=Config(signature_version="s3v4")).generate_presigned_post(
        "eu-bucket", "k"
    )
    error = post(presigned).error()
    assert error["Code"] == "InvalidArgument"
    assert error["Message"] == "the region 'us-east-1' is wrong; expecting 'eu-west-1'"
    assert (error["ArgumentName"], error["Region"]) == ("X-Amz-Credential", "eu-west-1")


@switches_iam
def test_with_iam_on_session_credentials_need_their_token(aws_client, bucket, stratus_endpoint):
    session = aws_client("sts").get_session_token()["Credentials"]
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    temporary = aws_client(
        "s3",
        aws_access_key_id=session["AccessKeyId"],
        aws_secret_access_key=session["SecretAccessKey"],
        aws_session_token=session["SessionToken"],
        config=Config(signature_version="s3v4"),
    )
    presigned = temporary.generate_presigned_post(bucket, "temp.txt")
    assert presigned["fields"]["x-amz-security-token"] == session["SessionToken"]
    assert post(presigned).status == 204
    answer = post(presigned, drop=("x-amz-security-token",))
    assert answer.error()["Code"] == "InvalidToken"
