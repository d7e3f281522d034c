"""STS GetCallerIdentity through the whole pipeline, from boto3 and the AWS CLI."""

import json


def test_get_caller_identity_is_the_default_account_root(aws_client):
    identity = aws_client("sts").get_caller_identity()
    assert identity["Account"] == "000000000000"
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"
    assert identity["UserId"] == "000000000000"
    assert identity["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert identity["ResponseMetadata"]["RequestId"]


def test_twelve_digit_access_key_selects_that_account(aws_client):
    sts = aws_client("sts", aws_access_key_id="111122223333", aws_secret_access_key="x")
    identity = sts.get_caller_identity()
    assert identity["Account"] == "111122223333"
    assert identity["Arn"] == "arn:aws:iam::111122223333:root"


def test_other_access_keys_use_the_default_account(aws_client):
    sts = aws_client("sts", aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x")
    assert sts.get_caller_identity()["Account"] == "000000000000"


def test_region_does_not_change_the_identity(aws_client):
    sts = aws_client("sts", region_name="eu-west-1")
    assert sts.get_caller_identity()["Account"] == "000000000000"


def test_aws_cli_get_caller_identity(aws_cli):
    result = aws_cli("sts", "get-caller-identity")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "UserId": "000000000000",
        "Account": "000000000000",
        "Arn": "arn:aws:iam::000000000000:root",
    }
