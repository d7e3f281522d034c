"""Public parameters under /aws/service/ (fixed sample values shipped with Stratus)."""

from __future__ import annotations

import re

from .support import error_of, names_of

AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
AMI = re.compile(r"ami-[0-9a-f]{17}")


def test_latest_amazon_linux_amis_per_region(ssm, aws_client):
    here = ssm.get_parameter(Name=AL2023)["Parameter"]
    assert AMI.fullmatch(here["Value"])
    assert here["ARN"] == f"arn:aws:ssm:us-east-1::parameter{AL2023}"
    assert (here["Type"], here["DataType"]) == ("String", "text")
    there = aws_client("ssm", region_name="eu-west-1").get_parameter(Name=AL2023)["Parameter"]
    assert AMI.fullmatch(there["Value"]) and there["Value"] != here["Value"]
    arm = ssm.get_parameter(Name="/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-arm64-gp2")["Parameter"]
    assert AMI.fullmatch(arm["Value"])


def test_read_by_path_and_in_batches(ssm):
    names = []
    for page in ssm.get_paginator("get_parameters_by_path").paginate(
        Path="/aws/service/ami-amazon-linux-latest"
    ):
        names += names_of(page["Parameters"])
    assert AL2023 in names and "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2" in names
    answer = ssm.get_parameters(Names=[AL2023, "/aws/service/no/such"])
    assert names_of(answer["Parameters"]) == [AL2023]
    assert answer["InvalidParameters"] == ["/aws/service/no/such"]


def test_regions(ssm):
    regions = []
    for page in ssm.get_paginator("get_parameters_by_path").paginate(
        Path="/aws/service/global-infrastructure/regions"
    ):
        regions += [parameter["Value"] for parameter in page["Parameters"]]
    assert {"us-east-1", "eu-west-1", "ap-southeast-2"} <= set(regions)
    assert "cn-north-1" not in regions  # another partition
    long_name = ssm.get_parameter(Name="/aws/service/global-infrastructure/regions/us-east-1/longName")
    assert long_name["Parameter"]["Value"] == "US East (N. Virginia)"


def test_public_parameters_are_not_the_accounts(ssm):
    assert ssm.describe_parameters()["Parameters"] == []
    assert error_of(ssm.get_parameter, Name="/aws/service/unknown")[0] == "ParameterNotFound"
    assert (
        error_of(ssm.put_parameter, Name=AL2023, Value="x", Type="String", Overwrite=True)[0]
        == "AccessDeniedException"
    )
