"""Operation + parameters -> the exact IAM actions and resource ARNs AWS authorizes (stratus.auth.actions)."""

from __future__ import annotations

import pytest

from stratus.auth.actions import Authorization, authorizations, iam_prefix

from .actions_support import ACCOUNT, KEY_ID, OTHER, authorize, one

CASES = [
    # --- SQS: the queue ARN from a QueueUrl (its account too) ---
    (
        "sqs",
        "SendMessage",
        {"QueueUrl": "http://localhost:4566/000000000000/q1", "MessageBody": "x"},
        one("sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:q1"),
    ),
    (
        "sqs",
        "ReceiveMessage",
        {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/111122223333/orders.fifo"},
        one("sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:111122223333:orders.fifo", OTHER),
    ),
    (
        "sqs",
        "SendMessageBatch",
        {"QueueUrl": "http://localhost:4566/000000000000/q1", "Entries": []},
        one("sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:q1"),
    ),
    (
        "sqs",
        "DeleteMessageBatch",
        {"QueueUrl": "http://localhost:4566/000000000000/q1"},
        one("sqs:DeleteMessage", "arn:aws:sqs:us-east-1:000000000000:q1"),
    ),
    (
        "sqs",
        "ChangeMessageVisibilityBatch",
        {"QueueUrl": "http://localhost:4566/000000000000/q1"},
        one("sqs:ChangeMessageVisibility", "arn:aws:sqs:us-east-1:000000000000:q1"),
    ),
    (
        "sqs",
        "CreateQueue",
        {"QueueName": "q2"},
        one("sqs:CreateQueue", "arn:aws:sqs:us-east-1:000000000000:q2"),
    ),
    (
        "sqs",
        "GetQueueUrl",
        {"QueueName": "q", "QueueOwnerAWSAccountId": OTHER},
        one("sqs:GetQueueUrl", "arn:aws:sqs:us-east-1:111122223333:q", OTHER),
    ),
    ("sqs", "ListQueues", {}, one("sqs:ListQueues", "*")),
    # --- SNS ---
    (
        "sns",
        "Publish",
        {"TopicArn": "arn:aws:sns:us-east-1:000000000000:t", "Message": "m"},
        one("sns:Publish", "arn:aws:sns:us-east-1:000000000000:t"),
    ),
    (
        "sns",
        "PublishBatch",
        {"TopicArn": "arn:aws:sns:eu-west-1:111122223333:t"},
        one("sns:Publish", "arn:aws:sns:eu-west-1:111122223333:t", OTHER),
    ),
    ("sns", "CreateTopic", {"Name": "t"}, one("sns:CreateTopic", "arn:aws:sns:us-east-1:000000000000:t")),
    (
        "sns",
        "Subscribe",
        {"TopicArn": "arn:aws:sns:us-east-1:000000000000:t", "Protocol": "sqs", "Endpoint": "arn:aws:sqs:x"},
        one("sns:Subscribe", "arn:aws:sns:us-east-1:000000000000:t"),
    ),
    ("sns", "ListTopics", {}, one("sns:ListTopics", "*")),
    # --- Lambda: names, partial and full ARNs, qualifiers ---
    (
        "lambda",
        "Invoke",
        {"FunctionName": "f"},
        one("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:000000000000:function:f"),
    ),
    (
        "lambda",
        "Invoke",
        {"FunctionName": "f", "Qualifier": "prod"},
        one("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:000000000000:function:f:prod"),
    ),
    (
        "lambda",
        "Invoke",
        {"FunctionName": "arn:aws:lambda:us-west-2:111122223333:function:f:7"},
        one("lambda:InvokeFunction", "arn:aws:lambda:us-west-2:111122223333:function:f:7", OTHER),
    ),
    (
        "lambda",
        "Invoke",
        {"FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:f", "Qualifier": "live"},
        one("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:000000000000:function:f:live"),
    ),
    (
        "lambda",
        "Invoke",
        {"FunctionName": "111122223333:function:f"},
        one("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:111122223333:function:f", OTHER),
    ),
    (
        "lambda",
        "InvokeAsync",
        {"FunctionName": "f", "InvokeArgs": b"{}"},
        one("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:000000000000:function:f"),
    ),
    (
        "lambda",
        "InvokeWithResponseStream",
        {"FunctionName": "f"},
        one("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:000000000000:function:f"),
    ),
    (
        "lambda",
        "GetFunctionConfiguration",
        {"FunctionName": "f:3"},
        one("lambda:GetFunctionConfiguration", "arn:aws:lambda:us-east-1:000000000000:function:f:3"),
    ),
    (
        "lambda",
        "GetLayerVersion",
        {"LayerName": "l", "VersionNumber": 3},
        one("lambda:GetLayerVersion", "arn:aws:lambda:us-east-1:000000000000:layer:l:3"),
    ),
    (
        "lambda",
        "GetLayerVersionByArn",
        {"Arn": "arn:aws:lambda:us-east-1:111122223333:layer:l:3"},
        one("lambda:GetLayerVersion", "arn:aws:lambda:us-east-1:111122223333:layer:l:3", OTHER),
    ),
    (
        "lambda",
        "CreateFunction",
        {"FunctionName": "f", "Role": "arn:aws:iam::000000000000:role/exec"},
        [
            ("lambda:CreateFunction", "arn:aws:lambda:us-east-1:000000000000:function:f", None),
            ("iam:PassRole", "arn:aws:iam::000000000000:role/exec", None),
        ],
    ),
    ("lambda", "ListFunctions", {}, one("lambda:ListFunctions", "*")),
    (
        "lambda",
        "UpdateEventSourceMapping",
        {"UUID": "u-1", "FunctionName": "f"},
        one(
            "lambda:UpdateEventSourceMapping",
            "arn:aws:lambda:us-east-1:000000000000:event-source-mapping:u-1",
        ),
    ),
    (
        "lambda",
        "CreateEventSourceMapping",
        {"FunctionName": "f"},
        one("lambda:CreateEventSourceMapping", "*"),
    ),
    (
        "lambda",
        "RemovePermission",
        {"FunctionName": "f", "StatementId": "s", "Qualifier": "prod"},
        one("lambda:RemovePermission", "arn:aws:lambda:us-east-1:000000000000:function:f:prod"),
    ),
    (
        "lambda",
        "TagResource",
        {"Resource": "arn:aws:lambda:us-east-1:000000000000:function:f", "Tags": {"a": "b"}},
        one("lambda:TagResource", "arn:aws:lambda:us-east-1:000000000000:function:f"),
    ),
    # --- KMS: key ids and key ARNs; aliases name no key ---
    (
        "kms",
        "Encrypt",
        {"KeyId": KEY_ID, "Plaintext": b"x"},
        one("kms:Encrypt", f"arn:aws:kms:us-east-1:000000000000:key/{KEY_ID}"),
    ),
    (
        "kms",
        "Decrypt",
        {"KeyId": f"arn:aws:kms:us-east-1:111122223333:key/{KEY_ID}"},
        one("kms:Decrypt", f"arn:aws:kms:us-east-1:111122223333:key/{KEY_ID}", OTHER),
    ),
    ("kms", "Encrypt", {"KeyId": "alias/app"}, one("kms:Encrypt", "*")),
    ("kms", "Encrypt", {"KeyId": "arn:aws:kms:us-east-1:000000000000:alias/app"}, one("kms:Encrypt", "*")),
    (
        "kms",
        "CreateAlias",
        {"AliasName": "alias/app", "TargetKeyId": KEY_ID},
        [
            ("kms:CreateAlias", "arn:aws:kms:us-east-1:000000000000:alias/app", None),
            ("kms:CreateAlias", f"arn:aws:kms:us-east-1:000000000000:key/{KEY_ID}", None),
        ],
    ),
    (
        "kms",
        "ReEncrypt",
        {"SourceKeyId": "k1", "DestinationKeyId": "k2", "CiphertextBlob": b"x"},
        [
            ("kms:ReEncryptFrom", "arn:aws:kms:us-east-1:000000000000:key/k1", None),
            ("kms:ReEncryptTo", "arn:aws:kms:us-east-1:000000000000:key/k2", None),
        ],
    ),
    ("kms", "CreateKey", {}, one("kms:CreateKey", "*")),
    # --- Secrets Manager ---
    (
        "secretsmanager",
        "GetSecretValue",
        {"SecretId": "db"},
        one(
            "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-??????"
        ),
    ),
    (
        "secretsmanager",
        "GetSecretValue",
        {"SecretId": "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf"},
        one(
            "secretsmanager:GetSecretValue",
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf",
            OTHER,
        ),
    ),
    (
        "secretsmanager",
        "BatchGetSecretValue",
        # GetSecretValue is checked per secret by the provider (a denial is an entry of Errors).
        {"SecretIdList": ["a", "arn:aws:secretsmanager:us-east-1:111122223333:secret:b-AbCdEf"]},
        [("secretsmanager:BatchGetSecretValue", "*", None)],
    ),
    (
        "secretsmanager",
        "BatchGetSecretValue",
        {"Filters": [{"Key": "name", "Values": ["app"]}]},
        [("secretsmanager:BatchGetSecretValue", "*", None), ("secretsmanager:ListSecrets", "*", None)],
    ),
    (
        "secretsmanager",
        "CreateSecret",
        {"Name": "db"},
        one("secretsmanager:CreateSecret", "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-??????"),
    ),
    # --- SSM parameters, with and without the leading slash ---
    (
        "ssm",
        "GetParameter",
        {"Name": "/app/db"},
        one("ssm:GetParameter", "arn:aws:ssm:us-east-1:000000000000:parameter/app/db"),
    ),
    (
        "ssm",
        "GetParameter",
        {"Name": "app/db"},
        one("ssm:GetParameter", "arn:aws:ssm:us-east-1:000000000000:parameter/app/db"),
    ),
    (
        "ssm",
        "GetParameter",
        {"Name": "/app/db:3"},
        one("ssm:GetParameter", "arn:aws:ssm:us-east-1:000000000000:parameter/app/db"),
    ),
    (
        "ssm",
        "PutParameter",
        {"Name": "top", "Value": "v"},
        one("ssm:PutParameter", "arn:aws:ssm:us-east-1:000000000000:parameter/top"),
    ),
    (
        "ssm",
        "GetParameters",
        {"Names": ["/a", "b"]},
        [
            ("ssm:GetParameters", "arn:aws:ssm:us-east-1:000000000000:parameter/a", None),
            ("ssm:GetParameters", "arn:aws:ssm:us-east-1:000000000000:parameter/b", None),
        ],
    ),
    (
        "ssm",
        "GetParametersByPath",
        {"Path": "/app/prod"},
        one("ssm:GetParametersByPath", "arn:aws:ssm:us-east-1:000000000000:parameter/app/prod"),
    ),
    (
        "ssm",
        "GetParameter",
        {"Name": "arn:aws:ssm:us-east-1:111122223333:parameter/shared/x"},
        one("ssm:GetParameter", "arn:aws:ssm:us-east-1:111122223333:parameter/shared/x", OTHER),
    ),
    # --- STS ---
    ("sts", "GetCallerIdentity", {}, one("sts:GetCallerIdentity", "*")),
    ("sts", "GetSessionToken", {}, one("sts:GetSessionToken", "*")),
    (
        "sts",
        "AssumeRole",
        {"RoleArn": "arn:aws:iam::111122223333:role/deploy", "RoleSessionName": "s"},
        one("sts:AssumeRole", "arn:aws:iam::111122223333:role/deploy", OTHER),
    ),
    (
        "sts",
        "AssumeRole",
        {
            "RoleArn": "arn:aws:iam::000000000000:role/r",
            "RoleSessionName": "s",
            "Tags": [{"Key": "team", "Value": "a"}],
            "SourceIdentity": "me",
        },
        [
            ("sts:AssumeRole", "arn:aws:iam::000000000000:role/r", None),
            ("sts:TagSession", "arn:aws:iam::000000000000:role/r", None),
            ("sts:SetSourceIdentity", "arn:aws:iam::000000000000:role/r", None),
        ],
    ),
    (
        "sts",
        "AssumeRoleWithWebIdentity",
        {"RoleArn": "arn:aws:iam::000000000000:role/web", "RoleSessionName": "s", "WebIdentityToken": "t"},
        one("sts:AssumeRoleWithWebIdentity", "arn:aws:iam::000000000000:role/web"),
    ),
    # --- IAM ---
    ("iam", "GetRole", {"RoleName": "r"}, one("iam:GetRole", "arn:aws:iam::000000000000:role/r")),
    (
        "iam",
        "CreateRole",
        {"RoleName": "r", "Path": "/service-role/", "AssumeRolePolicyDocument": "{}"},
        one("iam:CreateRole", "arn:aws:iam::000000000000:role/service-role/r"),
    ),
    ("iam", "CreateUser", {"UserName": "u"}, one("iam:CreateUser", "arn:aws:iam::000000000000:user/u")),
    (
        "iam",
        "AttachRolePolicy",
        {"RoleName": "r", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
        one("iam:AttachRolePolicy", "arn:aws:iam::000000000000:role/r"),
    ),
    (
        "iam",
        "GetPolicy",
        {"PolicyArn": "arn:aws:iam::000000000000:policy/p"},
        one("iam:GetPolicy", "arn:aws:iam::000000000000:policy/p"),
    ),
    ("iam", "ListRoles", {}, one("iam:ListRoles", "*")),
    # --- CloudWatch Logs: log-group actions are evaluated on "log-group:NAME:*" ---
    (
        "logs",
        "CreateLogGroup",
        {"logGroupName": "/aws/lambda/f"},
        one("logs:CreateLogGroup", "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f:*"),
    ),
    (
        "logs",
        "PutLogEvents",
        {"logGroupName": "g", "logStreamName": "s", "logEvents": []},
        one("logs:PutLogEvents", "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:s"),
    ),
    (
        "logs",
        "TagResource",
        {"resourceArn": "arn:aws:logs:us-east-1:000000000000:log-group:g", "tags": {"a": "b"}},
        one("logs:TagResource", "arn:aws:logs:us-east-1:000000000000:log-group:g"),
    ),
    ("logs", "DescribeLogGroups", {}, one("logs:DescribeLogGroups", "*")),
    (
        "logs",
        "GetLogEvents",
        {"logGroupIdentifier": "arn:aws:logs:us-east-1:111122223333:log-group:g", "logStreamName": "s"},
        one("logs:GetLogEvents", "arn:aws:logs:us-east-1:111122223333:log-group:g:log-stream:s", OTHER),
    ),
    (
        "logs",
        "StartQuery",
        {"logGroupNames": ["a", "b"], "queryString": "q", "startTime": 0, "endTime": 1},
        [
            ("logs:StartQuery", "arn:aws:logs:us-east-1:000000000000:log-group:a:*", None),
            ("logs:StartQuery", "arn:aws:logs:us-east-1:000000000000:log-group:b:*", None),
        ],
    ),
    (
        "ssm",
        "SendCommand",
        {"DocumentName": "AWS-RunShellScript", "InstanceIds": ["i-1", "mi-2"]},
        [
            ("ssm:SendCommand", "arn:aws:ssm:us-east-1:000000000000:document/AWS-RunShellScript", None),
            ("ssm:SendCommand", "arn:aws:ec2:us-east-1:000000000000:instance/i-1", None),
            ("ssm:SendCommand", "arn:aws:ssm:us-east-1:000000000000:managed-instance/mi-2", None),
        ],
    ),
    # --- EventBridge ---
    (
        "events",
        "PutRule",
        {"Name": "r"},
        one("events:PutRule", "arn:aws:events:us-east-1:000000000000:rule/r"),
    ),
    (
        "events",
        "PutRule",
        {"Name": "r", "EventBusName": "orders"},
        one("events:PutRule", "arn:aws:events:us-east-1:000000000000:rule/orders/r"),
    ),
    (
        "events",
        "PutEvents",
        {
            "Entries": [
                {"Source": "a", "DetailType": "d", "Detail": "{}"},
                {"EventBusName": "orders", "Source": "b"},
            ]
        },
        [
            ("events:PutEvents", "arn:aws:events:us-east-1:000000000000:event-bus/default", None),
            ("events:PutEvents", "arn:aws:events:us-east-1:000000000000:event-bus/orders", None),
        ],
    ),
    (
        "events",
        "CreateEventBus",
        {"Name": "orders"},
        one("events:CreateEventBus", "arn:aws:events:us-east-1:000000000000:event-bus/orders"),
    ),
    # --- Kinesis ---
    (
        "kinesis",
        "PutRecord",
        {"StreamName": "s", "Data": b"x", "PartitionKey": "p"},
        one("kinesis:PutRecord", "arn:aws:kinesis:us-east-1:000000000000:stream/s"),
    ),
    (
        "kinesis",
        "GetRecords",
        {"ShardIterator": "x", "StreamARN": "arn:aws:kinesis:us-east-1:111122223333:stream/s"},
        one("kinesis:GetRecords", "arn:aws:kinesis:us-east-1:111122223333:stream/s", OTHER),
    ),
    ("kinesis", "ListStreams", {}, one("kinesis:ListStreams", "*")),
    # --- EC2 ---
    ("ec2", "DescribeInstances", {}, one("ec2:DescribeInstances", "*")),
    (
        "ec2",
        "TerminateInstances",
        {"InstanceIds": ["i-1", "i-2"]},
        [
            ("ec2:TerminateInstances", "arn:aws:ec2:us-east-1:000000000000:instance/i-1", None),
            ("ec2:TerminateInstances", "arn:aws:ec2:us-east-1:000000000000:instance/i-2", None),
        ],
    ),
    (
        "ec2",
        "DeleteVpc",
        {"VpcId": "vpc-1"},
        one("ec2:DeleteVpc", "arn:aws:ec2:us-east-1:000000000000:vpc/vpc-1"),
    ),
    # --- API Gateway: HTTP verb on the request path ---
    (
        "apigateway",
        "GetResource",
        {"restApiId": "a1", "resourceId": "r1"},
        one("apigateway:GET", "arn:aws:apigateway:us-east-1::/restapis/a1/resources/r1"),
    ),
    (
        "apigateway",
        "CreateRestApi",
        {"name": "x"},
        one("apigateway:POST", "arn:aws:apigateway:us-east-1::/restapis"),
    ),
    (
        "apigatewayv2",
        "DeleteRoute",
        {"ApiId": "a1", "RouteId": "r1"},
        one("apigateway:DELETE", "arn:aws:apigateway:us-east-1::/apis/a1/routes/r1"),
    ),
    # --- CloudWatch ---
    ("cloudwatch", "PutMetricData", {"Namespace": "n"}, one("cloudwatch:PutMetricData", "*")),
]


@pytest.mark.parametrize(
    ("service", "operation", "params", "expected"),
    CASES,
    ids=[f"{case[0]}.{case[1]}-{index}" for index, case in enumerate(CASES)],
)
def test_authorizations(service: str, operation: str, params: dict, expected: list) -> None:
    assert authorize(service, operation, params) == expected


def test_partition_and_region_come_from_the_call() -> None:
    found = authorizations(
        "sqs",
        "SendMessage",
        {"QueueUrl": "http://x/000000000000/q"},
        account_id=ACCOUNT,
        region="cn-north-1",
        partition="aws-cn",
    )
    assert found == [Authorization("sqs:SendMessage", "arn:aws-cn:sqs:cn-north-1:000000000000:q")]


def test_missing_parameters_give_star() -> None:
    assert authorize("sqs", "SendMessage", {}) == one("sqs:SendMessage", "*")
    assert authorize("s3", "GetObject", {"Bucket": "b"}) == one("s3:GetObject", "*")
    assert authorize("lambda", "Invoke", {"FunctionName": ""}) == one("lambda:InvokeFunction", "*")


def test_operation_unknown_to_the_database_falls_back_to_its_name_on_star() -> None:
    assert authorize("sqs", "NoSuchOperation", {"QueueUrl": "http://x/000000000000/q"}) == one(
        "sqs:NoSuchOperation", "*"
    )


@pytest.mark.parametrize(
    ("service", "prefix"),
    [
        ("sqs", "sqs"),
        ("s3", "s3"),
        ("monitoring", "cloudwatch"),
        ("cloudwatch", "cloudwatch"),
        ("email", "ses"),
        ("sesv2", "ses"),
        ("ses", "ses"),
        ("elbv2", "elasticloadbalancing"),
        ("stepfunctions", "states"),
        ("opensearch", "es"),
        ("apigatewayv2", "apigateway"),
        ("dynamodbstreams", "dynamodb"),
        ("resourcegroupstaggingapi", "tag"),
        ("cloudcontrol", "cloudformation"),
        ("efs", "elasticfilesystem"),
        ("lambda", "lambda"),
    ],
)
def test_iam_prefix(service: str, prefix: str) -> None:
    assert iam_prefix(service) == prefix
