"""KMS, Secrets Manager and SSM Parameter Store workloads (issue 9's figures): Encrypt of 1 KiB,
GenerateDataKey, GetSecretValue, GetParameter, and GetParametersByPath over 100 parameters."""

from __future__ import annotations

from bench.workloads import Workload, _unique, boto3_client, register

KIB = b"x" * 1024


def _key(endpoint: str) -> str:
    return boto3_client("kms", endpoint).create_key(Description="bench")["KeyMetadata"]["KeyId"]


def _schedule_deletion(endpoint: str, key_id: str) -> None:
    boto3_client("kms", endpoint).schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)


def _secret(endpoint: str) -> str:
    name = _unique("bench-secret")
    boto3_client("secretsmanager", endpoint).create_secret(
        Name=name, SecretString='{"user": "u", "password": "p"}'
    )
    return name


def _delete_secret(endpoint: str, name: str) -> None:
    boto3_client("secretsmanager", endpoint).delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)


def _parameters(count: int):
    def setup(endpoint: str) -> str:
        ssm = boto3_client("ssm", endpoint)
        path = "/" + _unique("bench")
        for i in range(count):
            ssm.put_parameter(Name=f"{path}/p{i:03d}", Value=f"value-{i}", Type="String")
        return path

    return setup


def _delete_parameters(endpoint: str, path: str) -> None:
    ssm = boto3_client("ssm", endpoint)
    names = [p["Name"] for p in ssm.get_parameters_by_path(Path=path, Recursive=True).get("Parameters", [])]
    while names:
        ssm.delete_parameters(Names=names[:10])
        names = names[10:]


register(
    Workload(
        name="kms.Encrypt-1KiB",
        service="kms",
        operation="Encrypt",
        setup=_key,
        teardown=_schedule_deletion,
        params=lambda key_id, i: {"KeyId": key_id, "Plaintext": KIB},
        description="1 KiB under a symmetric customer key",
    )
)
register(
    Workload(
        name="kms.GenerateDataKey",
        service="kms",
        operation="GenerateDataKey",
        setup=_key,
        teardown=_schedule_deletion,
        params=lambda key_id, i: {"KeyId": key_id, "KeySpec": "AES_256"},
        description="an AES-256 data key (plaintext and encrypted)",
    )
)
register(
    Workload(
        name="secretsmanager.GetSecretValue",
        service="secretsmanager",
        operation="GetSecretValue",
        setup=_secret,
        teardown=_delete_secret,
        params=lambda name, i: {"SecretId": name},
        description="a small JSON secret (AWSCURRENT)",
    )
)
register(
    Workload(
        name="ssm.GetParameter",
        service="ssm",
        operation="GetParameter",
        setup=_parameters(1),
        teardown=_delete_parameters,
        params=lambda path, i: {"Name": f"{path}/p000"},
        description="one String parameter",
    )
)
register(
    Workload(
        name="ssm.GetParametersByPath-100",
        service="ssm",
        operation="GetParametersByPath",
        setup=_parameters(100),
        teardown=_delete_parameters,
        params=lambda path, i: {"Path": path, "Recursive": True, "MaxResults": 10},
        description="the first page (10, the maximum) of a 100-parameter path",
    )
)
