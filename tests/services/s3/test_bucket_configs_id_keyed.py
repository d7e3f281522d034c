"""Inventory, metrics, analytics and Intelligent-Tiering configurations: several per bucket, by Id."""

import os

import pytest
from botocore.exceptions import ClientError

from .support import error_of, status_of

in_process = pytest.mark.skipif(
    bool(os.environ.get("STRATUS_ENDPOINT")), reason="shrinks a server limit, needs the in-process server"
)


def _inventory(config_id: str, bucket_arn: str = "arn:aws:s3:::stratus-reports", **extra) -> dict:
    return {
        "Id": config_id,
        "IsEnabled": True,
        "IncludedObjectVersions": "All",
        "Schedule": {"Frequency": "Daily"},
        "Destination": {"S3BucketDestination": {"Bucket": bucket_arn, "Format": "CSV", "Prefix": "inv"}},
        **extra,
    }


def _analytics(config_id: str, **extra) -> dict:
    return {
        "Id": config_id,
        "Filter": {"Prefix": "logs/"},
        "StorageClassAnalysis": {
            "DataExport": {
                "OutputSchemaVersion": "V_1",
                "Destination": {
                    "S3BucketDestination": {"Format": "CSV", "Bucket": "arn:aws:s3:::stratus-reports"}
                },
            }
        },
        **extra,
    }


def _tiering(config_id: str, **extra) -> dict:
    return {
        "Id": config_id,
        "Status": "Enabled",
        "Tierings": [
            {"Days": 90, "AccessTier": "ARCHIVE_ACCESS"},
            {"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"},
        ],
        **extra,
    }


KINDS = {
    "inventory": ("InventoryConfiguration", "InventoryConfigurationList", _inventory),
    "metrics": ("MetricsConfiguration", "MetricsConfigurationList", lambda i, **e: {"Id": i, **e}),
    "analytics": ("AnalyticsConfiguration", "AnalyticsConfigurationList", _analytics),
    "intelligent_tiering": (
        "IntelligentTieringConfiguration",
        "IntelligentTieringConfigurationList",
        _tiering,
    ),
}


def _calls(s3, kind: str):
    return (
        getattr(s3, f"put_bucket_{kind}_configuration"),
        getattr(s3, f"get_bucket_{kind}_configuration"),
        getattr(s3, f"delete_bucket_{kind}_configuration"),
        getattr(s3, f"list_bucket_{kind}_configurations"),
    )


@pytest.mark.parametrize("kind", list(KINDS))
def test_crud_by_id(s3, bucket, kind):
    member, list_member, make = KINDS[kind]
    put, get, delete, listing = _calls(s3, kind)
    empty = listing(Bucket=bucket)
    assert empty["IsTruncated"] is False
    assert list_member not in empty
    with pytest.raises(ClientError) as excinfo:
        get(Bucket=bucket, Id="b-config")
    assert error_of(excinfo) == ("NoSuchConfiguration", "The specified configuration does not exist.")
    assert status_of(excinfo) == 404

    first, second = make("b-config"), make("a-config")
    assert put(Bucket=bucket, Id="b-config", **{member: first})["ResponseMetadata"]["HTTPStatusCode"] == 204
    put(Bucket=bucket, Id="a-config", **{member: second})
    assert get(Bucket=bucket, Id="b-config")[member] == first
    assert listing(Bucket=bucket)[list_member] == [second, first]  # by Id

    replaced = make("b-config", Filter={"Prefix": "other/"})
    put(Bucket=bucket, Id="b-config", **{member: replaced})
    assert get(Bucket=bucket, Id="b-config")[member] == replaced

    assert delete(Bucket=bucket, Id="b-config")["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as excinfo:
        delete(Bucket=bucket, Id="b-config")
    assert error_of(excinfo)[0] == "NoSuchConfiguration"
    assert listing(Bucket=bucket)[list_member] == [second]


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("inventory", "IdMismatch"),
        ("metrics", "IdMismatch"),
        ("analytics", "MalformedXML"),
        ("intelligent_tiering", "MalformedXML"),
    ],
)
def test_query_id_must_match_the_document(s3, bucket, kind, code):
    member, _, make = KINDS[kind]
    put = _calls(s3, kind)[0]
    with pytest.raises(ClientError) as excinfo:
        put(Bucket=bucket, Id="query-id", **{member: make("document-id")})
    assert error_of(excinfo)[0] == code
    assert status_of(excinfo) == 400


@pytest.mark.parametrize(
    ("config", "code"),
    [
        (_inventory("inv", bucket_arn="stratus-reports"), "InvalidS3DestinationBucket"),
        (
            {
                **_inventory("inv"),
                "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::r", "Format": "JSON"}},
            },
            "MalformedXML",
        ),
        ({**_inventory("inv"), "Schedule": {"Frequency": "Hourly"}}, "MalformedXML"),
        ({**_inventory("inv"), "IncludedObjectVersions": "Some"}, "MalformedXML"),
        ({**_inventory("inv"), "OptionalFields": ["Size", "Colour"]}, "MalformedXML"),
    ],
)
def test_invalid_inventory(s3, bucket, config, code):
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_inventory_configuration(Bucket=bucket, Id="inv", InventoryConfiguration=config)
    assert error_of(excinfo)[0] == code


def test_invalid_inventory_messages(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_inventory_configuration(
            Bucket=bucket, Id="other", InventoryConfiguration=_inventory("inv")
        )
    assert error_of(excinfo) == ("IdMismatch", "Document ID does not match the specified configuration ID.")
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_inventory_configuration(
            Bucket=bucket, Id="inv", InventoryConfiguration=_inventory("inv", bucket_arn="plain-name")
        )
    assert error_of(excinfo) == ("InvalidS3DestinationBucket", "Invalid bucket ARN.")


def test_invalid_metrics_analytics_and_tiering(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_metrics_configuration(
            Bucket=bucket,
            Id="m",
            MetricsConfiguration={"Id": "m", "Filter": {"Prefix": "a", "Tag": {"Key": "k", "Value": "v"}}},
        )
    assert error_of(excinfo)[0] == "MalformedXML"
    bad_export = _analytics("a")
    bad_export["StorageClassAnalysis"]["DataExport"]["OutputSchemaVersion"] = "V_2"
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_analytics_configuration(Bucket=bucket, Id="a", AnalyticsConfiguration=bad_export)
    assert error_of(excinfo)[0] == "MalformedXML"
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_intelligent_tiering_configuration(
            Bucket=bucket, Id="t", IntelligentTieringConfiguration=_tiering("t", Status="On")
        )
    assert error_of(excinfo)[0] == "MalformedXML"
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_intelligent_tiering_configuration(
            Bucket=bucket,
            Id="t",
            IntelligentTieringConfiguration=_tiering(
                "t", Tierings=[{"Days": 30, "AccessTier": "ARCHIVE_ACCESS"}]
            ),
        )
    assert error_of(excinfo)[0] == "InvalidArgument"


@in_process
def test_listing_pages_with_a_continuation_token(s3, bucket, monkeypatch):
    monkeypatch.setattr("stratus.services.s3.config_id_keyed.LIST_PAGE", 2)
    for config_id in ("c", "a", "e", "b", "d"):
        s3.put_bucket_metrics_configuration(
            Bucket=bucket, Id=config_id, MetricsConfiguration={"Id": config_id}
        )
    seen, token = [], None
    while True:
        page = s3.list_bucket_metrics_configurations(
            Bucket=bucket, **({"ContinuationToken": token} if token else {})
        )
        seen.append([config["Id"] for config in page["MetricsConfigurationList"]])
        if token:
            assert page["ContinuationToken"] == token
        if not page["IsTruncated"]:
            assert "NextContinuationToken" not in page
            break
        token = page["NextContinuationToken"]
    assert seen == [["a", "b"], ["c", "d"], ["e"]]


@in_process
def test_a_bucket_holds_at_most_the_limit(s3, bucket, monkeypatch):
    monkeypatch.setattr("stratus.services.s3.config_id_keyed.MAX_CONFIGURATIONS", 2)
    for config_id in ("one", "two"):
        s3.put_bucket_metrics_configuration(
            Bucket=bucket, Id=config_id, MetricsConfiguration={"Id": config_id}
        )
    s3.put_bucket_metrics_configuration(
        Bucket=bucket, Id="two", MetricsConfiguration={"Id": "two"}
    )  # a replacement
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_metrics_configuration(Bucket=bucket, Id="three", MetricsConfiguration={"Id": "three"})
    assert error_of(excinfo) == (
        "TooManyConfigurations",
        "You are attempting to create a new configuration but have already reached the 1,000-configuration limit.",
    )
