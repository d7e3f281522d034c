"""The rest-xml parser (S3, S3 Control, Route 53, CloudFront), with botocore as the oracle."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime

import pytest

from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpRequest, RequestBody
from stratus.protocol.loader import operation_model
from stratus.protocol.parsers import parse_request
from stratus.protocol.parsers.failures import S3_MALFORMED_XML

from .strategies import check_roundtrips, operations_of

# QueueConfigurationDeprecated names both `Event` and the flattened `Events` <Event>: ambiguous by design.
SKIP = {"s3": frozenset({"PutBucketNotification"})}
SERVICES = ["s3", "s3control", "route53", "cloudfront"]
RICH = [
    ("s3", "PutObject"),
    ("s3", "CopyObject"),
    ("s3", "PutBucketLifecycleConfiguration"),
    ("s3", "PutBucketAcl"),
    ("s3", "DeleteObjects"),
    ("s3", "CompleteMultipartUpload"),
    ("s3", "PutBucketReplication"),
    ("s3", "ListObjectsV2"),
    ("s3", "GetObjectAttributes"),
    ("s3", "PutBucketPolicy"),
    ("route53", "ChangeResourceRecordSets"),
    ("cloudfront", "CreateDistribution"),
    ("s3control", "PutJobTagging"),
]


def _all(services):
    return [
        pytest.param(op, id=f"{service}.{op.name}")
        for service in services
        for op in operations_of(service, SKIP.get(service, frozenset()))
    ]


@pytest.mark.parametrize("operation", _all(SERVICES))
def test_roundtrip_every_operation(operation):
    check_roundtrips("rest-xml", operation, 8, parse_request)


@pytest.mark.parametrize("service,name", RICH, ids=[f"{s}.{n}" for s, n in RICH])
def test_roundtrip_rich_operations(service, name):
    check_roundtrips("rest-xml", operation_model(service, name), 50, parse_request)


def _s3(name: str, method: str, labels: dict, body: bytes = b"", headers=None, query: str = "") -> dict:
    request = HttpRequest(method, "/x", query_string=query, headers=headers or {}, body=RequestBody(body))
    return parse_request("rest-xml", operation_model("s3", name), request, labels)


def test_put_object_body_is_the_request_stream_not_read():
    with tempfile.TemporaryFile() as spool:
        spool.write(b"x" * 4096)
        spool.flush()
        request = HttpRequest(
            "PUT",
            "/b/k",
            headers={"x-amz-meta-color": "blue", "content-type": "text/plain", "x-amz-meta-size": "L"},
            body=RequestBody(file=spool, size=4096),
        )
        operation = operation_model("s3", "PutObject")
        params = parse_request("rest-xml", operation, request, {"Bucket": "b", "Key": "a/b c"})
        assert params["Body"] is spool
        assert params["Body"].tell() == 0
        assert params["Key"] == "a/b c"
        assert params["ContentType"] == "text/plain"
        assert params["Metadata"] == {"color": "blue", "size": "L"}


def test_header_values_are_typed():
    headers = {
        "if-modified-since": "Wed, 01 Jan 2020 00:00:00 GMT",
        "x-amz-checksum-mode": "ENABLED",
        "range": "bytes=0-1",
        "x-amz-expected-bucket-owner": "123",
    }
    params = _s3(
        "GetObject", "GET", {"Bucket": "b", "Key": "k"}, headers=headers, query="partNumber=3&versionId=v"
    )
    assert params["IfModifiedSince"] == datetime(2020, 1, 1, tzinfo=UTC)
    assert params["PartNumber"] == 3
    assert params["VersionId"] == "v"
    assert params["ChecksumMode"] == "ENABLED"


def test_header_lists_split_on_commas_outside_quotes():
    headers = {"x-amz-object-attributes": 'ETag, Checksum,"Object,Parts",ObjectSize'}
    params = _s3("GetObjectAttributes", "GET", {"Bucket": "b", "Key": "k"}, headers=headers)
    assert params["ObjectAttributes"] == ["ETag", "Checksum", "Object,Parts", "ObjectSize"]


def test_string_payload_is_text():
    params = _s3("PutBucketPolicy", "PUT", {"Bucket": "b"}, body=b'{"Version": "2012-10-17"}', query="policy")
    assert params["Policy"] == '{"Version": "2012-10-17"}'


def test_pretty_printed_prefixed_xml_with_unknown_elements():
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
    <s3:Tagging xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/">
      <s3:TagSet>
        <s3:Tag><s3:Key>a</s3:Key><s3:Value> spaced </s3:Value><Extra>ignored</Extra></s3:Tag>
        <s3:Tag><s3:Key>b</s3:Key><s3:Value></s3:Value></s3:Tag>
      </s3:TagSet>
      <Unknown/>
    </s3:Tagging>"""
    params = _s3("PutBucketTagging", "PUT", {"Bucket": "b"}, body=body, query="tagging")
    assert params["Tagging"] == {"TagSet": [{"Key": "a", "Value": " spaced "}, {"Key": "b", "Value": ""}]}


def test_xml_attributes_and_flattened_lists():
    body = b"""<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
      <AccessControlList><Grant>
        <Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>id1</ID></Grantee>
        <Permission>READ</Permission>
      </Grant></AccessControlList>
      <Owner><ID>o</ID></Owner>
    </AccessControlPolicy>"""
    params = _s3("PutBucketAcl", "PUT", {"Bucket": "b"}, body=body, query="acl")
    grant = params["AccessControlPolicy"]["Grants"][0]
    assert grant == {"Grantee": {"Type": "CanonicalUser", "ID": "id1"}, "Permission": "READ"}
    body = b"<Delete><Object><Key>a</Key></Object><Object><Key>b</Key><VersionId>v</VersionId></Object><Quiet>true</Quiet></Delete>"
    params = _s3("DeleteObjects", "POST", {"Bucket": "b"}, body=body, query="delete")
    assert params["Delete"] == {"Objects": [{"Key": "a"}, {"Key": "b", "VersionId": "v"}], "Quiet": True}


def test_body_timestamps_keep_microseconds():
    body = b"<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2030-01-02T03:04:05.123456Z</RetainUntilDate></Retention>"
    params = _s3("PutObjectRetention", "PUT", {"Bucket": "b", "Key": "k"}, body=body, query="retention")
    assert params["Retention"]["RetainUntilDate"] == datetime(2030, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<Tagging><TagSet><Tag><Key>&lol9;</Key><Value>v</Value></Tag></TagSet></Tagging>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Tagging><TagSet><Tag><Key>&xxe;</Key><Value>v</Value></Tag></TagSet></Tagging>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE t [<!ENTITY % remote SYSTEM "http://127.0.0.1:1/evil.dtd"> %remote;]>
<Tagging/>"""

BROKEN_XML = {
    "truncated": b"<Tagging><TagSet><Tag><Key>a</Key>",
    "mismatched": b"<Tagging><TagSet></Tagging></TagSet>",
    "not-xml": b"hello",
    "json": b'{"TagSet": []}',
    "billion-laughs": BILLION_LAUGHS,
    "external-entity": EXTERNAL_ENTITY,
    "parameter-entity": PARAMETER_ENTITY,
    "undefined-entity": b"<Tagging><TagSet><Tag><Key>&nope;</Key></Tag></TagSet></Tagging>",
    "deep-nesting": b"<a>" * 10_000 + b"</a>" * 10_000,
    "not-utf8": b'<?xml version="1.0" encoding="UTF-8"?><Tagging><TagSet><Tag><Key>\xff\xfe</Key></Tag></TagSet></Tagging>',
    "nul-byte": b"<Tagging><TagSet><Tag><Key>a\x00b</Key><Value>v</Value></Tag></TagSet></Tagging>",
    "two-roots": b"<Tagging/><Tagging/>",
    "unknown-encoding": b'<?xml version="1.0" encoding="klingon"?><Tagging/>',
    "map-entry-without-key": None,
}


@pytest.mark.parametrize(
    "body", [b for b in BROKEN_XML.values() if b], ids=[k for k, b in BROKEN_XML.items() if b]
)
def test_broken_xml_is_s3_malformed_xml(body):
    started = time.perf_counter()
    with pytest.raises(ServiceError) as caught:
        _s3("PutBucketTagging", "PUT", {"Bucket": "b"}, body=body, query="tagging")
    assert time.perf_counter() - started < 1.0
    assert caught.value.code == "MalformedXML"
    assert caught.value.message == S3_MALFORMED_XML
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "body",
    [
        b"<LifecycleConfiguration><Rule><Status>Enabled</Status><Expiration><Days>ten</Days></Expiration></Rule></LifecycleConfiguration>",
        b"<LifecycleConfiguration><Rule><Expiration><Date>someday</Date></Expiration></Rule></LifecycleConfiguration>",
        b"<LifecycleConfiguration><Rule><Expiration><ExpiredObjectDeleteMarker>yes</ExpiredObjectDeleteMarker></Expiration></Rule></LifecycleConfiguration>",
    ],
    ids=["bad-integer", "bad-timestamp", "bad-boolean"],
)
def test_wrong_value_types_in_the_body_are_malformed_xml(body):
    with pytest.raises(ServiceError) as caught:
        _s3("PutBucketLifecycleConfiguration", "PUT", {"Bucket": "b"}, body=body, query="lifecycle")
    assert caught.value.code == "MalformedXML"


def test_wrong_header_or_query_values_are_invalid_argument():
    with pytest.raises(ServiceError) as caught:
        _s3("GetObject", "GET", {"Bucket": "b", "Key": "k"}, headers={"if-modified-since": "soon"})
    assert caught.value.code == "InvalidArgument"
    with pytest.raises(ServiceError) as caught:
        _s3("ListObjectsV2", "GET", {"Bucket": "b"}, query="list-type=2&max-keys=many")
    assert caught.value.code == "InvalidArgument"


def test_other_rest_xml_services_answer_in_their_own_terms():
    request = HttpRequest("POST", "/", body=RequestBody(b"<ChangeResourceRecordSetsRequest><ChangeBatch>"))
    with pytest.raises(ServiceError) as caught:
        parse_request(
            "rest-xml", operation_model("route53", "ChangeResourceRecordSets"), request, {"Id": "Z1"}
        )
    assert caught.value.code == "InvalidInput"
    request = HttpRequest("POST", "/", body=RequestBody(b"<DistributionConfig"))
    with pytest.raises(ServiceError) as caught:
        parse_request("rest-xml", operation_model("cloudfront", "CreateDistribution"), request, {})
    assert caught.value.code == "InvalidArgument"


def test_route53_body_members():
    body = b"""<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
      <ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>a.example.com</Name>
      <Type>A</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>1.2.3.4</Value></ResourceRecord>
      </ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>"""
    request = HttpRequest("POST", "/", body=RequestBody(body))
    params = parse_request(
        "rest-xml", operation_model("route53", "ChangeResourceRecordSets"), request, {"Id": "Z1"}
    )
    change = params["ChangeBatch"]["Changes"][0]
    assert params["HostedZoneId"] == "Z1"
    assert change["ResourceRecordSet"] == {
        "Name": "a.example.com",
        "Type": "A",
        "TTL": 300,
        "ResourceRecords": [{"Value": "1.2.3.4"}],
    }
