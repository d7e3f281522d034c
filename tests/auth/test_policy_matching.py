"""Actions, resource ARNs, policy variables and principals, as compiled by parse_policy."""

from __future__ import annotations

import json

import pytest

from stratus.auth.evaluate import AuthzRequest
from stratus.auth.matching import (
    arn_like,
    compile_actions,
    compile_resources,
    principal_match,
    split_variables,
    substitute,
)
from stratus.auth.policy import parse_policy

# ---------------------------------------------------------------- actions

ACTIONS = [
    # (pattern, action, matches) - case-insensitive, * and ?
    ("s3:GetObject", "s3:GetObject", True),
    ("s3:GetObject", "S3:GETOBJECT", True),
    ("S3:getobject", "s3:GetObject", True),
    ("s3:GetObject", "s3:GetObjectAcl", False),
    ("s3:Get*", "s3:GetObject", True),
    ("s3:Get*", "s3:GetBucketPolicy", True),
    ("s3:Get*", "s3:PutObject", False),
    ("s3:*", "s3:PutObject", True),
    ("s3:*", "sqs:SendMessage", False),
    ("*", "iam:CreateUser", True),
    ("iam:*AccessKey*", "iam:CreateAccessKey", True),
    ("iam:*AccessKey*", "iam:ListAccessKeys", True),
    ("iam:*AccessKey*", "iam:CreateUser", False),
    ("ec2:Describe*", "ec2:DescribeInstances", True),
    ("ec2:Describe*", "ec2:describeinstances", True),
    ("sqs:?etQueueUrl", "sqs:GetQueueUrl", True),
    ("sqs:?etQueueUrl", "sqs:SetQueueUrl", True),
    ("sqs:?etQueueUrl", "sqs:GGetQueueUrl", False),
    ("dynamodb:*Item", "dynamodb:GetItem", True),
    ("dynamodb:*Item", "dynamodb:BatchWriteItem", True),
    ("dynamodb:*Item", "dynamodb:Query", False),
    ("s3:Get*Tagging", "s3:GetObjectTagging", True),
    ("s3:Get*Tagging", "s3:PutObjectTagging", False),
    ("s3:GetObject.", "s3:GetObjectX", False),  # regex characters are literal
]


@pytest.mark.parametrize(("pattern", "action", "expected"), ACTIONS)
def test_action_patterns(pattern: str, action: str, expected: bool) -> None:
    assert compile_actions([pattern]).matches(action.lower()) is expected


@pytest.mark.parametrize(
    ("patterns", "action", "expected"),
    [
        (["s3:GetObject", "s3:PutObject"], "s3:putobject", True),
        (["s3:GetObject", "sqs:*"], "sqs:sendmessage", True),
        (["s3:GetObject", "sqs:*"], "sns:publish", False),
        (["ec2:Describe*", "ec2:Get*"], "ec2:getconsoleoutput", True),
    ],
)
def test_action_lists_or_together(patterns: list[str], action: str, expected: bool) -> None:
    assert compile_actions(patterns).matches(action) is expected


def statement(**fields: object):
    body = {"Effect": "Allow", **fields}
    if "Action" not in body and "NotAction" not in body:
        body["Action"] = "*"
    if "Resource" not in body and "NotResource" not in body:
        body["Resource"] = "*"
    document = json.dumps({"Version": "2012-10-17", "Statement": body})
    return parse_policy(document).statements[0]


@pytest.mark.parametrize(
    ("not_action", "action", "applies"),
    [
        ("iam:*", "iam:createuser", False),
        ("iam:*", "s3:getobject", True),
        (["iam:*", "organizations:*"], "organizations:listaccounts", False),
        (["iam:*", "organizations:*"], "ec2:runinstances", True),
        ("s3:Delete*", "s3:deleteobject", False),
        ("s3:Delete*", "s3:getobject", True),
    ],
)
def test_not_action(not_action: object, action: str, applies: bool) -> None:
    assert statement(NotAction=not_action).matches_action(action) is applies


# ---------------------------------------------------------------- resources

RESOURCES = [
    # (pattern, resource, matches) - case-sensitive ARN matching
    ("*", "arn:aws:s3:::b/k", True),
    ("*", "*", True),
    ("arn:aws:s3:::b/k", "arn:aws:s3:::b/k", True),
    ("arn:aws:s3:::b/k", "arn:aws:s3:::b/K", False),
    ("arn:aws:s3:::B/k", "arn:aws:s3:::b/k", False),
    ("arn:aws:s3:::b/*", "arn:aws:s3:::b/k", True),
    ("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c", True),
    ("arn:aws:s3:::b/*", "arn:aws:s3:::b", False),
    ("arn:aws:s3:::b*", "arn:aws:s3:::b", True),
    ("arn:aws:s3:::b*", "arn:aws:s3:::bucket/key", True),
    ("arn:aws:s3:::b/*/x", "arn:aws:s3:::b/a/b/x", True),
    ("arn:aws:s3:::b/?", "arn:aws:s3:::b/k", True),
    ("arn:aws:s3:::b/?", "arn:aws:s3:::b/kk", False),
    ("arn:aws:s3:::b/k", "*", False),
    ("arn:aws:iam::123456789012:user/*", "arn:aws:iam::123456789012:user/alice", True),
    ("arn:aws:iam::123456789012:user/*", "arn:aws:iam::123456789012:user/division/alice", True),
    ("arn:aws:iam::123456789012:user/*", "arn:aws:iam::123456789012:role/alice", False),
    ("arn:aws:iam::123456789012:user/accounting/*", "arn:aws:iam::123456789012:user/accounting/bob", True),
    ("arn:aws:iam::123456789012:user/accounting/*", "arn:aws:iam::123456789012:user/bob", False),
    ("arn:aws:iam::123456789012:user/Bob", "arn:aws:iam::123456789012:user/bob", False),
    ("arn:aws:sqs:*:123456789012:queue", "arn:aws:sqs:us-east-1:123456789012:queue", True),
    ("arn:aws:sqs:*:123456789012:queue", "arn:aws:sqs:us-east-1:210987654321:queue", False),
    ("arn:aws:sqs:us-*-1:*:q", "arn:aws:sqs:us-east-1:123456789012:q", True),
    ("arn:aws:sqs:us-*-1:*:q", "arn:aws:sqs:eu-west-1:123456789012:q", False),
    ("arn:aws:sqs:*:*:*", "arn:aws:sqs:eu-west-1:123456789012:q", True),
    ("arn:aws:sqs:*:*:*", "arn:aws:sns:eu-west-1:123456789012:q", False),
    ("arn:aws:dynamodb:*:*:table/Books", "arn:aws:dynamodb:us-east-1:1:table/Books", True),
    ("arn:aws:dynamodb:*:*:table/Books", "arn:aws:dynamodb:us-east-1:1:table/Books/index/i", False),
    ("arn:aws:dynamodb:*:*:table/Books/*", "arn:aws:dynamodb:us-east-1:1:table/Books/index/i", True),
    (
        "arn:aws:logs:*:*:log-group:/aws/lambda/*",
        "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:log-stream:s",
        True,
    ),
    ("arn:aws:logs:us-east-1:1:log-group:g:*", "arn:aws:logs:us-east-1:1:log-group:g:log-stream:s", True),
    # * as the last character of a segment may run past the colon
    ("arn:aws:ec2:*", "arn:aws:ec2:us-east-1:123456789012:instance/i-1", True),
    ("arn:aws:s3:::*", "arn:aws:s3:::anything/at/all", True),
    # * elsewhere in a leading segment stays inside it
    ("arn:aws:sqs:us*1:*:q", "arn:aws:sqs:us-east:1:1:q", False),
    (
        "arn:aws:lambda:us-east-1:123456789012:function:f",
        "arn:aws:lambda:us-east-1:123456789012:function:f",
        True,
    ),
    (
        "arn:aws:lambda:us-east-1:123456789012:function:f*",
        "arn:aws:lambda:us-east-1:123456789012:function:f:live",
        True,
    ),
    ("arn:aws:s3:::b/a+b(c)", "arn:aws:s3:::b/a+b(c)", True),
    ("arn:aws:s3:::b/a+b", "arn:aws:s3:::b/aab", False),
]


@pytest.mark.parametrize(("pattern", "resource", "expected"), RESOURCES)
def test_resource_patterns(pattern: str, resource: str, expected: bool) -> None:
    assert compile_resources([pattern], variables=True).matches(resource, {}) is expected


@pytest.mark.parametrize(
    ("not_resource", "resource", "applies"),
    [
        ("arn:aws:s3:::b/*", "arn:aws:s3:::b/k", False),
        ("arn:aws:s3:::b/*", "arn:aws:s3:::other/k", True),
        (["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "arn:aws:s3:::b", False),
        (["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "arn:aws:sqs:us-east-1:1:q", True),
        ("arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::1:user/alice", False),
        ("arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::1:user/bob", True),
    ],
)
def test_not_resource(not_resource: object, resource: str, applies: bool) -> None:
    stmt = statement(NotResource=not_resource)
    assert stmt.matches_resource(resource, {"aws:username": "alice"}) is applies


# ---------------------------------------------------------------- policy variables

VARIABLES = [
    # (resource pattern, context (lower-cased keys), resource, matches)
    ("arn:aws:s3:::b/${aws:username}/*", {"aws:username": "alice"}, "arn:aws:s3:::b/alice/x", True),
    ("arn:aws:s3:::b/${aws:username}/*", {"aws:username": "alice"}, "arn:aws:s3:::b/bob/x", False),
    ("arn:aws:s3:::b/${aws:username}/*", {}, "arn:aws:s3:::b/alice/x", False),
    ("arn:aws:s3:::b/${aws:username}/*", {}, "arn:aws:s3:::b/${aws:username}/x", False),
    ("arn:aws:s3:::b/${aws:username, 'shared'}/*", {}, "arn:aws:s3:::b/shared/x", True),
    ("arn:aws:s3:::b/${aws:username, 'shared'}/*", {"aws:username": "al"}, "arn:aws:s3:::b/al/x", True),
    ("arn:aws:s3:::b/${aws:username, 'shared'}/*", {"aws:username": "al"}, "arn:aws:s3:::b/shared/x", False),
    ("arn:aws:s3:::b/${ aws:username , 'd' }/*", {}, "arn:aws:s3:::b/d/x", True),
    ("arn:aws:s3:::b/${aws:username, 'it''s'}/*", {}, "arn:aws:s3:::b/it's/x", True),
    ("arn:aws:s3:::b/${AWS:UserName}/*", {"aws:username": "alice"}, "arn:aws:s3:::b/alice/x", True),
    (
        "arn:aws:s3:::b/${aws:PrincipalTag/team}/*",
        {"aws:principaltag/team": "red"},
        "arn:aws:s3:::b/red/x",
        True,
    ),
    ("arn:aws:s3:::b/${aws:PrincipalTag/team, 'company-wide'}/*", {}, "arn:aws:s3:::b/company-wide/x", True),
    ("arn:aws:s3:::b/${aws:userid}/*", {"aws:userid": "AIDAEXAMPLE"}, "arn:aws:s3:::b/AIDAEXAMPLE/x", True),
    ("arn:aws:s3:::b/${aws:username}", {"aws:username": ["a", "b"]}, "arn:aws:s3:::b/a", False),
    # a value is inserted literally: its wildcard characters do not act as wildcards
    ("arn:aws:s3:::b/${aws:username}", {"aws:username": "a*"}, "arn:aws:s3:::b/abc", False),
    ("arn:aws:s3:::b/${aws:username}", {"aws:username": "a*"}, "arn:aws:s3:::b/a*", True),
    # the escapes stand for the literal character
    ("arn:aws:s3:::b/${*}", {}, "arn:aws:s3:::b/*", True),
    ("arn:aws:s3:::b/${*}", {}, "arn:aws:s3:::b/anything", False),
    ("arn:aws:s3:::b/${?}", {}, "arn:aws:s3:::b/?", True),
    ("arn:aws:s3:::b/${?}", {}, "arn:aws:s3:::b/x", False),
    ("arn:aws:s3:::b/${$}{x}", {}, "arn:aws:s3:::b/${x}", True),
    ("arn:aws:s3:::b/${aws:username}/${*}", {"aws:username": "al"}, "arn:aws:s3:::b/al/*", True),
    (
        "arn:aws:dynamodb:*:*:table/${aws:PrincipalTag/app}-*",
        {"aws:principaltag/app": "web"},
        "arn:aws:dynamodb:us-east-1:1:table/web-users",
        True,
    ),
]


@pytest.mark.parametrize(("pattern", "context", "resource", "expected"), VARIABLES)
def test_policy_variables_in_resources(pattern: str, context: dict, resource: str, expected: bool) -> None:
    assert compile_resources([pattern], variables=True).matches(resource, context) is expected


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        ("arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/alice/x", False),
        ("arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/${aws:username}/x", True),
    ],
)
def test_version_2008_keeps_variables_literal(pattern: str, resource: str, expected: bool) -> None:
    document = json.dumps(
        {"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": pattern}}
    )
    stmt = parse_policy(document).statements[0]
    assert stmt.matches_resource(resource, {"aws:username": "alice"}) is expected


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("home/${aws:username}/", {"aws:username": "al"}, "home/al/"),
        ("${aws:username}", {}, None),
        ("${aws:username, 'anon'}", {}, "anon"),
        ("${aws:SecureTransport}", {"aws:securetransport": True}, "true"),
        ("${aws:MultiFactorAuthAge}", {"aws:multifactorauthage": 30}, "30"),
        ("literal", {}, "literal"),
        ("${unclosed", {}, "${unclosed"),
        ("a${$}b", {}, "a$b"),
    ],
)
def test_substitute(text: str, context: dict, expected: str | None) -> None:
    assert substitute(split_variables(text), context) == expected


# ---------------------------------------------------------------- ARN conditions


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("arn:aws:s3:::bucket", "arn:aws:s3:::bucket", True),
        ("arn:aws:s3:::bucket", "arn:aws:s3:::Bucket", False),
        ("arn:aws:s3:::*", "arn:aws:s3:::bucket", True),
        ("arn:aws:sns:*:123456789012:*", "arn:aws:sns:us-east-1:123456789012:topic", True),
        ("arn:aws:sns:*:123456789012:*", "arn:aws:sns:us-east-1:999999999999:topic", False),
        ("arn:aws:iam::*:role/Admin*", "arn:aws:iam::123456789012:role/AdminRole", True),
        ("arn:aws:iam::*:role/Admin*", "arn:aws:iam::123456789012:user/AdminRole", False),
        ("arn:aws:lambda:*:*:function:f:*", "arn:aws:lambda:us-east-1:1:function:f:prod", True),
        ("arn:aws:s3:::b", "not-an-arn", False),
        ("arn:aws:*", "arn:aws:s3:::b", False),  # each of the six parts is compared on its own
        ("arn:aws:s?:::b", "arn:aws:s3:::b", True),
    ],
)
def test_arn_like(pattern: str, value: str, expected: bool) -> None:
    assert arn_like(pattern, value) is expected


# ---------------------------------------------------------------- principals


def request(
    principal_arn: str, principal_type: str, account: str | None = "111122223333", role_arn: str | None = None
):
    return AuthzRequest(
        action="s3:GetObject",
        resource="*",
        principal_arn=principal_arn,
        principal_account=account,
        principal_type=principal_type,
        role_arn=role_arn,
    )


ALICE = request("arn:aws:iam::111122223333:user/alice", "IAMUser")
ALICE_WITH_PATH = request("arn:aws:iam::111122223333:user/division/alice", "IAMUser")
SESSION = request(
    "arn:aws:sts::111122223333:assumed-role/Reader/s1",
    "AssumedRole",
    role_arn="arn:aws:iam::111122223333:role/ops/Reader",
)
FEDERATED_USER = request("arn:aws:sts::111122223333:federated-user/bob", "FederatedUser")
ROOT = request("arn:aws:iam::111122223333:root", "Root")
OTHER_ACCOUNT = request("arn:aws:iam::444455556666:user/alice", "IAMUser", account="444455556666")
SNS = request("sns.amazonaws.com", "AWSService", account=None)
ANONYMOUS = request("anonymous", "Anonymous", account=None)
COGNITO = request("cognito-identity.amazonaws.com", "WebIdentityUser", account=None)

PRINCIPALS = [
    # (Principal block, request, how it is named)
    ("*", ALICE, "any"),
    ("*", ANONYMOUS, "any"),
    ("*", SNS, "any"),
    ({"AWS": "*"}, ANONYMOUS, "any"),
    ({"AWS": "*"}, SESSION, "any"),
    ({"AWS": "111122223333"}, ALICE, "account"),
    ({"AWS": "111122223333"}, SESSION, "account"),
    ({"AWS": "111122223333"}, ROOT, "account"),
    ({"AWS": "111122223333"}, OTHER_ACCOUNT, None),
    ({"AWS": "111122223333"}, ANONYMOUS, None),
    ({"AWS": "111122223333"}, SNS, None),
    ({"AWS": "arn:aws:iam::111122223333:root"}, ALICE, "account"),
    ({"AWS": "arn:aws:iam::111122223333:root"}, FEDERATED_USER, "account"),
    ({"AWS": "arn:aws:iam::111122223333:root"}, OTHER_ACCOUNT, None),
    ({"AWS": "arn:aws:iam::111122223333:user/alice"}, ALICE, "principal"),
    ({"AWS": "arn:aws:iam::111122223333:user/alice"}, ALICE_WITH_PATH, None),
    ({"AWS": "arn:aws:iam::111122223333:user/division/alice"}, ALICE_WITH_PATH, "principal"),
    ({"AWS": "arn:aws:iam::111122223333:user/alice"}, OTHER_ACCOUNT, None),
    ({"AWS": "arn:aws:iam::111122223333:role/ops/Reader"}, SESSION, "role"),
    ({"AWS": "arn:aws:iam::111122223333:role/Reader"}, SESSION, None),  # the path is part of it
    ({"AWS": "arn:aws:sts::111122223333:assumed-role/Reader/s1"}, SESSION, "principal"),
    ({"AWS": "arn:aws:sts::111122223333:assumed-role/Reader/s2"}, SESSION, None),
    ({"AWS": "arn:aws:sts::111122223333:federated-user/bob"}, FEDERATED_USER, "principal"),
    (
        {"AWS": ["arn:aws:iam::111122223333:user/zed", "arn:aws:iam::111122223333:user/alice"]},
        ALICE,
        "principal",
    ),
    ({"Service": "sns.amazonaws.com"}, SNS, "service"),
    ({"Service": "SNS.amazonaws.com"}, SNS, "service"),
    ({"Service": "sqs.amazonaws.com"}, SNS, None),
    ({"Service": "sns.amazonaws.com"}, ALICE, None),
    ({"Service": ["lambda.amazonaws.com", "sns.amazonaws.com"]}, SNS, "service"),
    ({"Federated": "cognito-identity.amazonaws.com"}, COGNITO, "federated"),
    ({"Federated": "accounts.google.com"}, COGNITO, None),
    ({"AWS": "111122223333", "Service": "sns.amazonaws.com"}, SNS, "service"),
    ({"AWS": "111122223333", "Service": "sns.amazonaws.com"}, ALICE, "account"),
]


@pytest.mark.parametrize(("principal", "req", "expected"), PRINCIPALS)
def test_principal_matching(principal: object, req: AuthzRequest, expected: str | None) -> None:
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Principal": principal, "Action": "*", "Resource": "*"},
        }
    )
    stmt = parse_policy(document, "resource").statements[0]
    assert stmt.principals is not None
    assert principal_match(stmt.principals, req) == expected
