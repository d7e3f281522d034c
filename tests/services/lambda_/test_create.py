"""CreateFunction: the answer's shape, defaults, and Lambda's checks of each member."""

import base64
import hashlib
import json
import re

import pytest
from botocore.exceptions import ClientError

from .conftest import BOOTSTRAP_ZIP, RUNTIME, error_of, make_zip


def test_create_answers_pending_configuration(create, role_arn):
    answer = create("hello", Description="says hi", Environment={"Variables": {"GREETING": "hi"}})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert answer["FunctionName"] == "hello"
    assert answer["FunctionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:hello"
    assert answer["Runtime"] == RUNTIME
    assert answer["Role"] == role_arn
    assert answer["CodeSha256"] == base64.b64encode(hashlib.sha256(BOOTSTRAP_ZIP).digest()).decode()
    assert answer["CodeSize"] == len(BOOTSTRAP_ZIP)
    assert answer["Timeout"] == 3 and answer["MemorySize"] == 128
    assert answer["Version"] == "$LATEST"
    assert answer["State"] == "Pending"
    assert answer["StateReasonCode"] == "Creating"
    assert answer["StateReason"] == "The function is being created."
    assert answer["PackageType"] == "Zip"
    assert answer["Architectures"] == ["x86_64"]
    assert answer["EphemeralStorage"] == {"Size": 512}
    assert answer["TracingConfig"] == {"Mode": "PassThrough"}
    assert answer["SnapStart"] == {"ApplyOn": "None", "OptimizationStatus": "Off"}
    assert answer["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/aws/lambda/hello"}
    assert answer["Environment"] == {"Variables": {"GREETING": "hi"}}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", answer["LastModified"])
    assert re.fullmatch(r"[0-9a-f-]{36}", answer["RevisionId"])


def test_next_read_is_active(create, lambda_client):
    create("hello")
    config = lambda_client.get_function_configuration(FunctionName="hello")
    assert config["State"] == "Active"
    assert config["LastUpdateStatus"] == "Successful"
    assert "StateReasonCode" not in config


def test_name_forms(create, lambda_client):
    create("000000000000:function:partial")
    create("arn:aws:lambda:us-east-1:000000000000:function:full")
    names = sorted(f["FunctionName"] for f in lambda_client.list_functions()["Functions"])
    assert names == ["full", "partial"]


def test_invalid_name_is_a_validation_error(create):
    with pytest.raises(ClientError) as info:
        create("bad name!")
    assert error_of(info)[0] == "ValidationException"


def test_name_longer_than_64_is_refused(create):
    with pytest.raises(ClientError) as info:
        create("a" * 65)
    code, message = error_of(info)
    assert code == "ValidationException" and "length less than or equal to 64" in message


def test_duplicate_is_a_conflict(create):
    create("twice")
    with pytest.raises(ClientError) as info:
        create("twice")
    assert error_of(info) == ("ResourceConflictException", "Function already exist: twice")


def test_role_must_exist(create):
    with pytest.raises(ClientError) as info:
        create("fn", Role="arn:aws:iam::000000000000:role/missing")
    assert error_of(info) == (
        "InvalidParameterValueException",
        "The role defined for the function cannot be assumed by Lambda.",
    )


def test_role_must_trust_lambda(create, aws_client):
    trust_ec2 = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    arn = aws_client("iam").create_role(RoleName="ec2-role", AssumeRolePolicyDocument=json.dumps(trust_ec2))[
        "Role"
    ]["Arn"]
    with pytest.raises(ClientError) as info:
        create("fn", Role=arn)
    assert error_of(info)[1] == "The role defined for the function cannot be assumed by Lambda."


def test_role_not_an_arn(create):
    with pytest.raises(ClientError) as info:
        create("fn", Role="fn-role")
    assert error_of(info)[0] == "ValidationException"


def test_runtime_that_cannot_run_here(create):
    with pytest.raises(ClientError) as info:
        create("fn", Runtime="java21")
    code, message = error_of(info)
    assert code == "InvalidParameterValueException"
    assert "java21" in message


def test_deprecated_runtime(create):
    with pytest.raises(ClientError) as info:
        create("fn", Runtime="python2.7")
    assert error_of(info)[1].startswith("The runtime parameter of python2.7 is no longer supported")


def test_missing_handler(lambda_client, role_arn):
    with pytest.raises(ClientError) as info:
        lambda_client.create_function(
            FunctionName="fn", Runtime=RUNTIME, Role=role_arn, Code={"ZipFile": BOOTSTRAP_ZIP}
        )
    assert error_of(info) == (
        "InvalidParameterValueException",
        "Runtime and Handler are mandatory parameters for functions created with deployment packages.",
    )


def test_image_package_is_refused_honestly(lambda_client, role_arn):
    with pytest.raises(ClientError) as info:
        lambda_client.create_function(
            FunctionName="img", Role=role_arn, PackageType="Image", Code={"ImageUri": "123.dkr.ecr/x:latest"}
        )
    code, message = error_of(info)
    assert code == "InvalidParameterValueException" and "Image" in message


def test_bad_zip(create):
    with pytest.raises(ClientError) as info:
        create("fn", Code={"ZipFile": b"not a zip"})
    assert error_of(info) == (
        "InvalidParameterValueException",
        "Could not unzip uploaded file. Please check your file, then try to upload again.",
    )


def test_zip_over_50_mb(create):
    with pytest.raises(ClientError) as info:
        create("fn", Code={"ZipFile": b"\0" * (50 * 1024 * 1024 + 1)})
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert error_of(info)[0] == "RequestEntityTooLargeException"


def test_unzipped_over_250_mb(create):
    big = make_zip({"zeros": b"\0" * (262_144_000 + 1)})
    with pytest.raises(ClientError) as info:
        create("fn", Code={"ZipFile": big})
    assert error_of(info) == (
        "InvalidParameterValueException",
        "Unzipped size must be smaller than 262144000 bytes",
    )


def test_limits(create):
    for kwargs, member in (({"Timeout": 901}, "timeout"), ({"MemorySize": 10241}, "memorySize")):
        with pytest.raises(ClientError) as info:
            create("fn", **kwargs)
        code, message = error_of(info)
        assert code == "ValidationException" and member in message


def test_reserved_environment_keys(create):
    with pytest.raises(ClientError) as info:
        create("fn", Environment={"Variables": {"AWS_REGION": "x", "OK": "y"}})
    code, message = error_of(info)
    assert code == "InvalidParameterValueException"
    assert message.endswith("Reserved keys used in this request: AWS_REGION")


def test_environment_over_4_kb(create):
    with pytest.raises(ClientError) as info:
        create("fn", Environment={"Variables": {"BIG": "x" * 4100}})
    code, message = error_of(info)
    assert code == "InvalidParameterValueException" and "exceeded the 4KB limit" in message


def test_options_are_kept(create, lambda_client):
    create(
        "opts",
        Timeout=30,
        MemorySize=512,
        Architectures=["arm64"],
        EphemeralStorage={"Size": 1024},
        TracingConfig={"Mode": "Active"},
        DeadLetterConfig={"TargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq"},
        LoggingConfig={"LogFormat": "JSON", "LogGroup": "custom"},
    )
    config = lambda_client.get_function_configuration(FunctionName="opts")
    assert (config["Timeout"], config["MemorySize"]) == (30, 512)
    assert config["Architectures"] == ["arm64"]
    assert config["EphemeralStorage"] == {"Size": 1024}
    assert config["TracingConfig"] == {"Mode": "Active"}
    assert config["DeadLetterConfig"] == {"TargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq"}
    assert config["LoggingConfig"] == {
        "LogFormat": "JSON",
        "LogGroup": "custom",
        "ApplicationLogLevel": "INFO",
        "SystemLogLevel": "INFO",
    }


def test_code_from_s3(create, aws_client):
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="code")
    s3.put_object(Bucket="code", Key="fn.zip", Body=BOOTSTRAP_ZIP)
    answer = create("froms3", Code={"S3Bucket": "code", "S3Key": "fn.zip"})
    assert answer["CodeSize"] == len(BOOTSTRAP_ZIP)


def test_code_from_missing_s3_key_or_bucket(create, aws_client):
    aws_client("s3").create_bucket(Bucket="code")
    with pytest.raises(ClientError) as info:
        create("fn", Code={"S3Bucket": "code", "S3Key": "missing.zip"})
    code, message = error_of(info)
    assert code == "InvalidParameterValueException"
    assert message.startswith("Error occurred while GetObject. S3 Error Code: NoSuchKey.")
    with pytest.raises(ClientError) as info:
        create("fn", Code={"S3Bucket": "nobucket", "S3Key": "fn.zip"})
    assert error_of(info)[1].startswith("Error occurred while GetObject. S3 Error Code: NoSuchBucket.")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"DurableConfig": {"ExecutionTimeout": 60}},
        {"TenancyConfig": {"TenantIsolationMode": "PER_TENANT"}},
        {
            "FileSystemConfigs": [
                {
                    "Arn": "arn:aws:elasticfilesystem:us-east-1:000000000000:access-point/fsap-1",
                    "LocalMountPath": "/mnt/x",
                }
            ]
        },
    ],
)
def test_settings_stratus_cannot_honour_are_refused_not_ignored(create, kwargs):
    with pytest.raises(ClientError) as info:
        create("fn", **kwargs)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error_of(info)[0] == "NotImplemented"
