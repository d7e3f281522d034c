"""Marker/MaxItems paging on IAM's List operations."""

import json

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

DOCUMENT = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
)
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


@pytest.fixture
def iam(aws_client):
    return aws_client("iam")


def all_pages(call, member: str, page_size: int, **kwargs) -> tuple[list, int]:
    items, pages, marker = [], 0, None
    while True:
        page = call(MaxItems=page_size, **kwargs, **({"Marker": marker} if marker else {}))
        items += page[member]
        pages += 1
        assert len(page[member]) <= page_size
        if not page["IsTruncated"]:
            assert "Marker" not in page
            return items, pages
        marker = page["Marker"]


def test_list_users_pages(iam):
    names = [f"user{index:02d}" for index in range(7)]
    for name in names:
        iam.create_user(UserName=name)
    items, pages = all_pages(iam.list_users, "Users", 3)
    assert [user["UserName"] for user in items] == names
    assert pages == 3


def test_boto3_paginator_walks_every_page(iam):
    for index in range(5):
        iam.create_role(RoleName=f"role{index}", AssumeRolePolicyDocument=TRUST)
    paginator = iam.get_paginator("list_roles")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
    assert len(pages) == 3
    assert [role["RoleName"] for page in pages for role in page["Roles"]] == [f"role{i}" for i in range(5)]


@pytest.mark.parametrize(
    ("arrange", "call", "member"),
    [
        (
            lambda iam, i: iam.create_group(GroupName=f"g{i}"),
            lambda iam: iam.list_groups,
            "Groups",
        ),
        (
            lambda iam, i: iam.create_instance_profile(InstanceProfileName=f"ip{i}"),
            lambda iam: iam.list_instance_profiles,
            "InstanceProfiles",
        ),
        (
            lambda iam, i: iam.create_policy(PolicyName=f"p{i}", PolicyDocument=DOCUMENT),
            lambda iam: lambda **kw: iam.list_policies(Scope="Local", **kw),
            "Policies",
        ),
    ],
)
def test_other_lists_page(iam, arrange, call, member):
    for index in range(5):
        arrange(iam, index)
    items, pages = all_pages(call(iam), member, 2)
    assert len(items) == 5 and pages == 3


def test_inline_policy_names_and_tags_page(iam):
    iam.create_user(UserName="alice", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(5)])
    for index in range(3):
        iam.put_user_policy(UserName="alice", PolicyName=f"p{index}", PolicyDocument=DOCUMENT)
    names, _ = all_pages(iam.list_user_policies, "PolicyNames", 2, UserName="alice")
    assert names == ["p0", "p1", "p2"]
    tags, pages = all_pages(iam.list_user_tags, "Tags", 2, UserName="alice")
    assert [tag["Key"] for tag in tags] == [f"k{i}" for i in range(5)] and pages == 3


def test_aws_managed_policies_page(iam):
    first = iam.list_policies(Scope="AWS", MaxItems=5)
    assert len(first["Policies"]) == 5 and first["IsTruncated"] is True
    everything, _ = all_pages(iam.list_policies, "Policies", 5, Scope="AWS")
    arns = [policy["Arn"] for policy in everything]
    assert len(arns) == len(set(arns))
    assert "arn:aws:iam::aws:policy/AdministratorAccess" in arns


def test_max_items_out_of_range_is_refused(aws_client):
    unchecked = aws_client("iam", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as excinfo:
        unchecked.list_users(MaxItems=1001)
    assert excinfo.value.response["Error"]["Code"] == "ValidationError"
