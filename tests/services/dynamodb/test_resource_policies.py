"""Resource-based policies of tables and streams: Put/Get/DeleteResourcePolicy, and their
enforcement by the IAM engine (another account's user needs the table's policy)."""

from __future__ import annotations

import json

import pytest

from stratus.testing import post_json

from .support import refused

ACCOUNT, OTHER = "000000000000", "111111111111"
TABLE_ARN = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/simple"
INVALID = "One or more parameter values were invalid: "


def document(*statements: dict, version: str | None = "2012-10-17") -> str:
    body: dict = {"Statement": list(statements)}
    if version:
        body = {"Version": version, **body}
    return json.dumps(body, indent=2)


def allow(
    action: str | list = "dynamodb:GetItem", principal: object = None, resource: str = TABLE_ARN
) -> dict:
    return {
        "Effect": "Allow",
        "Principal": principal or {"AWS": f"arn:aws:iam::{OTHER}:root"},
        "Action": action,
        "Resource": resource,
    }


def test_put_and_get_answer_the_canonical_document(ddb, simple_table):
    sent = {
        "Resource": [TABLE_ARN],
        "Action": ["dynamodb:GetItem"],
        "Principal": {"AWS": OTHER},
        "Effect": "Allow",
        "Sid": "Read",
    }
    revision = ddb.put_resource_policy(ResourceArn=TABLE_ARN, Policy=document(sent))["RevisionId"]
    assert revision.isdigit() and len(revision) == 13
    got = ddb.get_resource_policy(ResourceArn=TABLE_ARN)
    assert got["RevisionId"] == revision
    assert got["Policy"] == (
        '{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow",'
        f'"Principal":{{"AWS":"arn:aws:iam::{OTHER}:root"}},"Action":"dynamodb:GetItem",'
        f'"Resource":"{TABLE_ARN}"}}]}}'
    )


def test_an_equivalent_document_keeps_the_revision(ddb, simple_table, stratus_server):
    first = ddb.put_resource_policy(ResourceArn=TABLE_ARN, Policy=document(allow(["dynamodb:GetItem"])))
    again = ddb.put_resource_policy(ResourceArn=TABLE_ARN, Policy=json.dumps(json.loads(document(allow()))))
    assert again["RevisionId"] == first["RevisionId"]
    stratus_server.advance_clock(1)
    changed = ddb.put_resource_policy(ResourceArn=TABLE_ARN, Policy=document(allow("dynamodb:PutItem")))
    assert int(changed["RevisionId"]) > int(first["RevisionId"])


def test_a_document_without_version_reads_back_with_the_default_version(ddb, simple_table):
    ddb.put_resource_policy(ResourceArn=TABLE_ARN, Policy=document(allow(), version=None))
    assert json.loads(ddb.get_resource_policy(ResourceArn=TABLE_ARN)["Policy"])["Version"] == "2008-10-17"


def test_expected_revision_ids(ddb, simple_table, stratus_server):
    policy = document(allow())
    code, message = refused(
        ddb.put_resource_policy, ResourceArn=TABLE_ARN, Policy=policy, ExpectedRevisionId="123"
    )
    assert code == "PolicyNotFoundException"
    # the end of this message is guessed (DynamoDB's was seen cut after "has no associated")
    assert message.startswith(
        "Resource-based policy not found for the provided ResourceArn: Requested update for policy with "
        "revision id 123, but table simple has no associated"
    )
    first = ddb.put_resource_policy(ResourceArn=TABLE_ARN, Policy=policy, ExpectedRevisionId="NO_POLICY")[
        "RevisionId"
    ]
    assert refused(
        ddb.put_resource_policy, ResourceArn=TABLE_ARN, Policy=policy, ExpectedRevisionId="NO_POLICY"
    ) == (
        "PolicyNotFoundException",
        "Resource-based policy not found for the provided ResourceArn: Requested policy update expecting none "
        f"to be present for table simple, but a policy exists with revision id {first}.",
    )
    stratus_server.advance_clock(1)
    second = ddb.put_resource_policy(
        ResourceArn=TABLE_ARN, Policy=document(allow("dynamodb:PutItem")), ExpectedRevisionId=first
    )["RevisionId"]
    assert refused(ddb.delete_resource_policy, ResourceArn=TABLE_ARN, ExpectedRevisionId=first) == (
        "PolicyNotFoundException",
        "Resource-based policy not found for the provided ResourceArn: Requested update for policy with "
        f"revision id {first}, but the policy associated to target table simple has revision id {second}.",
    )
    assert (
        ddb.delete_resource_policy(ResourceArn=TABLE_ARN, ExpectedRevisionId=second)["RevisionId"] == second
    )


def test_delete_is_idempotent(ddb, simple_table, stratus_server):
    assert "RevisionId" not in ddb.delete_resource_policy(ResourceArn=TABLE_ARN)
    revision = ddb.put_resource_policy(ResourceArn=TABLE_ARN, Policy=document(allow()))["RevisionId"]
    stratus_server.advance_clock(1)
    assert ddb.delete_resource_policy(ResourceArn=TABLE_ARN)["RevisionId"] == revision
    assert refused(ddb.get_resource_policy, ResourceArn=TABLE_ARN) == (
        "PolicyNotFoundException",
        f"Resource-based policy not found for the provided ResourceArn: {TABLE_ARN}",
    )
    # later deletes answer the deletion's own revision (a tombstone)
    tombstone = ddb.delete_resource_policy(ResourceArn=TABLE_ARN)["RevisionId"]
    assert int(tombstone) > int(revision)


def test_resource_arns_are_checked(ddb, simple_table):
    def error(arn):
        return refused(ddb.get_resource_policy, ResourceArn=arn)

    assert error("simple") == ("ValidationException", INVALID + "ARNs must start with 'arn:': simple")
    assert error(f"arn:aws:dynamodb:us-east-1:{OTHER}:table/simple") == (
        "ValidationException",
        "This action is only supported by accounts that match the resource owner\u2019s account.",
    )
    assert error(f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/simple") == (
        "ValidationException",
        INVALID + f"Invalid resource Arn: arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/simple",
    )
    assert error(TABLE_ARN + "/index/gsi") == (
        "ValidationException",
        INVALID
        + f"Invalid resource arn provided, only table or stream is accepted. Provided resource arn: {TABLE_ARN}/index/gsi",
    )
    assert error(TABLE_ARN + "/backup/01234") == (
        "ValidationException",
        INVALID + f"Provided Arn is not a DynamoDB resource arn: {TABLE_ARN}/backup/01234",
    )
    assert error(TABLE_ARN + "x") == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: simplex not found",
    )
    assert error(TABLE_ARN + "/stream/2000-01-01T00:00:00.000") == (
        "ResourceNotFoundException",
        "Requested resource not found: Stream: 2000-01-01T00:00:00.000 not found for Table: simple",
    )


def test_documents_are_validated(ddb, simple_table):
    def error(policy):
        return refused(ddb.put_resource_policy, ResourceArn=TABLE_ARN, Policy=policy)

    assert error(document(allow()) + " " * 20480) == (
        "ValidationException",
        INVALID + "Maximum policy size of 20480 bytes exceeded",
    )
    assert error("{not json") == (
        "ValidationException",
        INVALID + "Invalid policy document: This policy contains invalid Json",
    )
    assert error(document()) == (
        "ValidationException",
        INVALID + "Invalid policy document: Could not parse the policy: Statement is empty!",
    )
    twice = {**allow(), "Sid": "Same"}
    assert error(document(twice, twice)) == (
        "ValidationException",
        INVALID + "Invalid policy document: The Statement Ids in the policy are not unique",
    )
    no_resource = {key: value for key, value in allow().items() if key != "Resource"}
    assert error(document(no_resource)) == (
        "ValidationException",
        INVALID + "Invalid policy document: Missing required field Resource",
    )
    assert error(document(allow(["dynamodb:GetRecords", "dynamodb:DescribeStream"]))) == (
        "ValidationException",
        INVALID + 'Invalid policy document: The following action names are invalid: "dynamodb:GetRecords", '
        '"dynamodb:DescribeStream"',
    )
    assert error(document(allow(principal="*"))) == (
        "ValidationException",
        "Resource-based policy grants unbounded access in one or more elements. "
        "Please revise the policy to ensure least-privilege form of access",
    )
    assert error(document(allow(principal={"AWS": "arn:aws:iam::12:root"}))) == (
        "ValidationException",
        INVALID + "Invalid principal in policy document.",
    )
    assert (
        refused(ddb.get_resource_policy, ResourceArn=TABLE_ARN)[0] == "PolicyNotFoundException"
    )  # none stored


def test_a_policy_that_locks_the_caller_out_needs_confirmation(ddb, simple_table):
    deny = {"Effect": "Deny", "Principal": "*", "Action": "dynamodb:PutResourcePolicy", "Resource": TABLE_ARN}
    assert refused(ddb.put_resource_policy, ResourceArn=TABLE_ARN, Policy=document(deny)) == (
        "AccessDeniedException",
        "The new resource policy will not allow you to update the resource policy in the future.",
    )
    ddb.put_resource_policy(
        ResourceArn=TABLE_ARN, Policy=document(deny), ConfirmRemoveSelfResourceAccess=True
    )
    assert ddb.get_resource_policy(ResourceArn=TABLE_ARN)["Policy"]


def test_streams_have_their_own_policy(ddb):
    ddb.create_table(
        TableName="simple",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    stream_arn = ddb.describe_table(TableName="simple")["Table"]["LatestStreamArn"]
    table_action = allow("dynamodb:GetItem", resource=stream_arn)
    assert refused(ddb.put_resource_policy, ResourceArn=stream_arn, Policy=document(table_action))[0] == (
        "ValidationException"
    )
    reader = allow(["dynamodb:GetRecords", "dynamodb:DescribeStream"], resource=stream_arn)
    revision = ddb.put_resource_policy(ResourceArn=stream_arn, Policy=document(reader))["RevisionId"]
    assert ddb.get_resource_policy(ResourceArn=stream_arn)["RevisionId"] == revision
    assert refused(ddb.get_resource_policy, ResourceArn=TABLE_ARN)[0] == "PolicyNotFoundException"


def test_policies_go_with_their_table(ddb, simple_table):
    ddb.put_resource_policy(ResourceArn=TABLE_ARN, Policy=document(allow()))
    ddb.delete_table(TableName="simple")
    assert refused(ddb.get_resource_policy, ResourceArn=TABLE_ARN)[0] == "ResourceNotFoundException"
    ddb.create_table(
        TableName="simple",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert refused(ddb.get_resource_policy, ResourceArn=TABLE_ARN)[0] == "PolicyNotFoundException"


# ---------------------------------------------------------------- enforcement


@pytest.fixture
def reader(aws_client, stratus_endpoint, simple_table, ddb):
    """Another account's user allowed dynamodb:GetItem/Query by its own policy, with IAM enforced."""
    ddb.put_item(TableName="simple", Item={"id": {"S": "1"}})
    iam = aws_client("iam", aws_access_key_id=OTHER, aws_secret_access_key="test")
    iam.create_user(UserName="reader")
    iam.put_user_policy(
        UserName="reader",
        PolicyName="read",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": "*"}
                ],
            }
        ),
    )
    key = iam.create_access_key(UserName="reader")["AccessKey"]
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    return aws_client(
        "dynamodb", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )


def test_another_accounts_user_needs_the_table_policy(ddb, reader):
    def get():
        return reader.get_item(TableName=TABLE_ARN, Key={"id": {"S": "1"}})

    assert refused(get)[0] == "AccessDeniedException"
    grant = allow("dynamodb:GetItem", principal={"AWS": f"arn:aws:iam::{OTHER}:user/reader"})
    ddb.put_resource_policy(ResourceArn=TABLE_ARN, Policy=document(grant))
    assert get()["Item"] == {"id": {"S": "1"}}
    ddb.delete_resource_policy(ResourceArn=TABLE_ARN)
    assert refused(get)[0] == "AccessDeniedException"


def test_an_index_is_governed_by_its_tables_policy(ddb, aws_client, stratus_endpoint, reader):
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "off"})
    ddb.delete_table(TableName="simple")
    ddb.create_table(
        TableName="simple",
        AttributeDefinitions=[
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "kind", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-kind",
                "KeySchema": [{"AttributeName": "kind", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="simple", Item={"id": {"S": "1"}, "kind": {"S": "k"}})
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})

    def query():
        return reader.query(
            TableName=TABLE_ARN,
            IndexName="by-kind",
            KeyConditionExpression="kind = :k",
            ExpressionAttributeValues={":k": {"S": "k"}},
        )

    assert refused(query)[0] == "AccessDeniedException"
    grant = allow(
        "dynamodb:Query",
        principal={"AWS": f"arn:aws:iam::{OTHER}:user/reader"},
        resource=f"{TABLE_ARN}/index/*",
    )
    ddb.put_resource_policy(ResourceArn=TABLE_ARN, Policy=document(grant))
    assert query()["Count"] == 1
