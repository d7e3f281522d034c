"""The answer shapes: Parameter (reads), ParameterMetadata (DescribeParameters), ParameterHistory."""

from __future__ import annotations

from stratus.services.ssm import policies
from stratus.services.ssm.common import SECURE_STRING, Parameter, ParameterVersion, timestamp


def parameter_output(version: ParameterVersion, arn: str, value: str, selector: str | None = None) -> dict:
    out = {
        "Name": version.name,
        "Type": version.type,
        "Value": value,
        "Version": version.version,
        "LastModifiedDate": timestamp(version.modified),
        "ARN": arn,
        "DataType": version.data_type,
    }
    if selector is not None:
        out["Selector"] = f":{selector}"
    return out


def _described(version: ParameterVersion, out: dict) -> dict:
    if version.type == SECURE_STRING and version.key_id:
        out["KeyId"] = version.key_id
    if version.description:
        out["Description"] = version.description
    if version.allowed_pattern:
        out["AllowedPattern"] = version.allowed_pattern
    out["Tier"] = version.tier
    out["Policies"] = policies.describe(version.policies)
    out["DataType"] = version.data_type
    return out


def metadata_output(parameter: Parameter) -> dict:
    latest = parameter.latest
    out = {
        "Name": latest.name,
        "ARN": parameter.arn,
        "Type": latest.type,
        "LastModifiedDate": timestamp(latest.modified),
        "LastModifiedUser": latest.modified_user,
        "Version": latest.version,
    }
    return _described(latest, out)


def history_output(version: ParameterVersion, value: str, labels: list[str]) -> dict:
    out = {
        "Name": version.name,
        "Type": version.type,
        "LastModifiedDate": timestamp(version.modified),
        "LastModifiedUser": version.modified_user,
        "Value": value,
        "Version": version.version,
        "Labels": labels,
    }
    return _described(version, out)
