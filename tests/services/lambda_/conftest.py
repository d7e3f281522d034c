"""Fixtures shared by the Lambda tests: clients, a role Lambda may assume, zips built here."""

import io
import json
import zipfile

import pytest

TRUST_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
RUNTIME = "provided.al2023"  # runs anywhere: the zip's own bootstrap


def make_zip(files: dict[str, bytes | str], modes: dict[str, int] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((modes or {}).get(name, 0o100644)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


BOOTSTRAP_ZIP = make_zip({"bootstrap": "#!/bin/sh\necho hi\n"}, {"bootstrap": 0o100755})


@pytest.fixture
def lambda_client(aws_client):
    return aws_client("lambda")


@pytest.fixture
def role_arn(aws_client):
    iam = aws_client("iam")
    return iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))["Role"][
        "Arn"
    ]


@pytest.fixture
def create(lambda_client, role_arn):
    def make(name="fn", **kwargs):
        params = {
            "FunctionName": name,
            "Runtime": RUNTIME,
            "Role": role_arn,
            "Handler": "handler",
            "Code": {"ZipFile": BOOTSTRAP_ZIP},
        }
        params.update(kwargs)
        return lambda_client.create_function(**params)

    return make


def error_of(info) -> tuple[str, str]:
    """(code, message) of a botocore ClientError caught by pytest.raises."""
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]
