"""What the topic tests share: AWS's default topic policy and delivery policy, a fresh topic's keys."""

from __future__ import annotations

from .support import ACCOUNT, DEFAULT_HEALTHY_RETRY_POLICY

DEFAULT_POLICY_ACTIONS = [
    "SNS:GetTopicAttributes",
    "SNS:SetTopicAttributes",
    "SNS:AddPermission",
    "SNS:RemovePermission",
    "SNS:DeleteTopic",
    "SNS:Subscribe",
    "SNS:ListSubscriptionsByTopic",
    "SNS:Publish",
]

# GetTopicAttributes' EffectiveDeliveryPolicy of a topic without a DeliveryPolicy (recorded, certain).
DEFAULT_EFFECTIVE_DELIVERY_POLICY = {
    "http": {
        "defaultHealthyRetryPolicy": DEFAULT_HEALTHY_RETRY_POLICY,
        "disableSubscriptionOverrides": False,
        "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"},
    }
}

# The keys of a fresh standard topic, exactly (recorded from AWS in 2025, certain): no DeliveryPolicy,
# no SignatureVersion (absent means 1), no TracingConfig, no KmsMasterKeyId.
STANDARD_TOPIC_KEYS = {
    "DisplayName",
    "EffectiveDeliveryPolicy",
    "Owner",
    "Policy",
    "SubscriptionsConfirmed",
    "SubscriptionsDeleted",
    "SubscriptionsPending",
    "TopicArn",
}

DATA_PROTECTION_POLICY = {
    "Name": "basicPII-protection",
    "Description": "Protect basic types of sensitive data",
    "Version": "2021-06-01",
    "Statement": [
        {
            "Sid": "basicPII-inbound-protection",
            "DataDirection": "Inbound",
            "Principal": ["*"],
            "DataIdentifier": [
                "arn:aws:dataprotection::aws:data-identifier/Name",
                "arn:aws:dataprotection::aws:data-identifier/PhoneNumber-US",
            ],
            "Operation": {"Deny": {}},
        }
    ],
}


def default_policy(topic_arn: str, account: str = ACCOUNT) -> dict:
    return {
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [
            {
                "Sid": "__default_statement_ID",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": DEFAULT_POLICY_ACTIONS,
                "Resource": topic_arn,
                "Condition": {"StringEquals": {"AWS:SourceOwner": account}},
            }
        ],
    }


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def sorted_tags(tags: list[dict]) -> list[dict]:
    # AWS does not document an order for ListTagsForResource
    return sorted(tags, key=lambda tag: tag["Key"])
