"""Public parameters under `/aws/service/`, which SDKs, CDK and templates read (latest Amazon Linux
and ECS-optimized AMI ids per region, the regions of each partition).

They come from `data/public_parameters.json`. Its AMI ids are FIXED SAMPLE VALUES, made up per
region and name (no real image has them), so that code resolving them runs unchanged; region names
and partitions are AWS's. Public parameters belong to no account: their ARN has an empty account
field, and they never show in DescribeParameters or an account's own listings.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path

from stratus.core.ids import partition_for_region
from stratus.services.ssm.common import TEXT, ParameterVersion, parameter_arn
from stratus.services.ssm.names import is_under

PREFIX = "/aws/service/"
DATA_FILE = Path(__file__).parent / "data" / "public_parameters.json"
REGIONS_PATH = "/aws/service/global-infrastructure/regions"


@cache
def _data() -> dict:
    return json.loads(DATA_FILE.read_text())


@cache
def _parameters(region: str) -> dict[str, str]:
    """Every public parameter visible in `region`: name → value, in name order."""
    data = _data()
    partition = partition_for_region(region)
    values: dict[str, str] = dict(data["images"].get(region, {}))
    described = data["partitions"].get(partition)
    if described is not None:
        for name, long_name in described["regions"].items():
            base = f"{REGIONS_PATH}/{name}"
            values[base] = name
            values[f"{base}/longName"] = long_name
            values[f"{base}/partition"] = partition
            values[f"{base}/domain"] = described["domain"]
    return dict(sorted(values.items()))


def _version(name: str, value: str) -> ParameterVersion:
    modified = datetime.fromisoformat(_data()["last_modified"]).timestamp()
    return ParameterVersion(
        name=name,
        version=1,
        type="String",
        value=value,
        tier="Standard",
        data_type=TEXT,
        description=None,
        allowed_pattern=None,
        key_id=None,
        policies=None,
        modified=modified,
        modified_user="",
    )


def is_public(name: str) -> bool:
    return name.startswith(PREFIX)


def public_arn(region: str, name: str) -> str:
    return parameter_arn(partition_for_region(region), region, "", name)


def find_public(region: str, name: str) -> ParameterVersion | None:
    value = _parameters(region).get(name)
    return _version(name, value) if value is not None else None


def public_under(region: str, path: str, recursive: bool, after: str | None) -> list[ParameterVersion]:
    """The public parameters below `path`, in name order, after `after`."""
    return [
        _version(name, value)
        for name, value in _parameters(region).items()
        if (after is None or name > after) and is_under(name, path, recursive)
    ]
