"""Exports to S3 and imports from S3 through boto3: ExportTableToPointInTime, DescribeExport,
ListExports, ImportTable, DescribeImport, ListImports, with the objects really written to (and
read from) Stratus's S3.

Sources: the API reference of those operations; the developer guide ("DynamoDB data export to
Amazon S3": the AWSDynamoDB/<export id>/ layout with _started, manifest-summary.json,
manifest-files.json, their .checksum files and gzip data files of `{"Item":...}` lines or Ion;
"DynamoDB data import from Amazon S3": DYNAMODB_JSON, CSV and ION sources, gzip or none); and
behaviour recorded against live DynamoDB (jobs answer IN_PROGRESS; PITR is required; a missing
bucket ends the export FAILED with FailureCode S3NoSuchBucket; ClientToken replays and
'Export conflict: ...'; 'Export Time is invalid'; the incremental window messages; an import with
a bad line ends FAILED/ItemValidationError with the valid items imported; 'Table already exists:
<name>'; DescribeImport back-fills S3BucketOwner and InputCompressionType). Messages marked
"guessed" were chosen to read like AWS's.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from datetime import timedelta

import pytest

from .support import definitions, key_schema, refused

MINUTE = 60
EXPORT_ARN = re.compile(r"arn:aws:dynamodb:us-east-1:\d{12}:table/items/export/(?P<id>\d{14}-[0-9a-f]{8})")


@pytest.fixture
def s3(aws_client):
    client = aws_client("s3")
    client.create_bucket(Bucket="exports")
    return client


@pytest.fixture
def pitr_table(ddb, table):
    ddb.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    return ddb.describe_table(TableName=table)["Table"]["TableArn"]


def put(ddb, pk, sk, **attributes):
    item = {"pk": {"S": pk}, "sk": {"N": str(sk)}}
    item.update(attributes)
    ddb.put_item(TableName="items", Item=item)


def read(s3, key: str) -> bytes:
    return s3.get_object(Bucket="exports", Key=key)["Body"].read()


def exported_lines(s3, description: dict) -> list[bytes]:
    """Every data line of a completed export, found through its manifests."""
    summary = json.loads(read(s3, description["ExportManifest"]))
    lines = []
    for entry in read(s3, summary["manifestFilesS3Key"]).decode().splitlines():
        data_file = json.loads(entry)
        body = read(s3, data_file["dataFileS3Key"])
        assert data_file["md5Checksum"] == base64.b64encode(hashlib.md5(body).digest()).decode()
        file_lines = gzip.decompress(body).splitlines()
        assert data_file["itemCount"] == len(file_lines)
        lines += file_lines
    return lines


def export(ddb, table_arn, **extra) -> dict:
    return ddb.export_table_to_point_in_time(TableArn=table_arn, S3Bucket="exports", **extra)[
        "ExportDescription"
    ]


# -- ExportTableToPointInTime -----------------------------------------------------------------------


def test_export_needs_pitr_and_a_table(ddb, table, s3):
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    assert refused(ddb.export_table_to_point_in_time, TableArn=arn, S3Bucket="exports") == (
        "PointInTimeRecoveryUnavailableException",
        "Point in time recovery is not enabled for table 'items'",
    )
    missing = arn.replace("table/items", "table/nope")
    assert refused(ddb.export_table_to_point_in_time, TableArn=missing, S3Bucket="exports") == (
        "TableNotFoundException",
        f"Table not found: {missing}",
    )
    assert refused(ddb.export_table_to_point_in_time, TableArn="items", S3Bucket="exports") == (
        "ValidationException",
        "One or more parameter values were invalid: tableArn is not a valid ARN",
    )


def test_full_export_writes_dynamodb_json_to_s3(ddb, pitr_table, s3):
    put(ddb, "a", 1, data={"B": b"\x00\xff"}, tags={"SS": ["x"]})
    put(ddb, "b", 2, amount={"N": "1.5"}, nested={"M": {"ok": {"BOOL": True}, "none": {"NULL": True}}})
    answer = export(ddb, pitr_table, S3Prefix="backups/daily")
    match = EXPORT_ARN.fullmatch(answer["ExportArn"])
    assert match
    assert answer["ExportStatus"] == "IN_PROGRESS"
    assert answer["ExportFormat"] == "DYNAMODB_JSON"
    assert answer["S3SseAlgorithm"] == "AES256"
    assert answer["ExportTime"] == answer["StartTime"]
    assert "EndTime" not in answer and "ItemCount" not in answer and "ExportManifest" not in answer
    assert "ExportType" not in answer  # DynamoDB does not echo FULL_EXPORT

    described = ddb.describe_export(ExportArn=answer["ExportArn"])["ExportDescription"]
    assert described["ExportStatus"] == "COMPLETED"
    assert described["ItemCount"] == 2
    assert described["BilledSizeBytes"] > 0
    assert described["EndTime"] >= described["StartTime"]
    base = f"backups/daily/AWSDynamoDB/{match['id']}"
    assert described["ExportManifest"] == f"{base}/manifest-summary.json"
    assert described["TableId"] == ddb.describe_table(TableName="items")["Table"]["TableId"]

    keys = {entry["Key"] for entry in s3.list_objects_v2(Bucket="exports")["Contents"]}
    assert {f"{base}/_started", f"{base}/manifest-files.json", f"{base}/manifest-files.checksum"} <= keys
    assert f"{base}/manifest-summary.checksum" in keys
    assert all(
        key.startswith(f"{base}/data/") and key.endswith(".json.gz") for key in keys if "/data/" in key
    )
    assert read(s3, f"{base}/_started") == b""

    summary_body = read(s3, described["ExportManifest"])
    assert read(s3, f"{base}/manifest-summary.checksum").decode() == hashlib.md5(summary_body).hexdigest()
    summary = json.loads(summary_body)
    assert summary["version"] == "2020-06-30"
    assert summary["exportArn"] == answer["ExportArn"]
    assert summary["tableArn"] == pitr_table
    assert summary["s3Bucket"] == "exports"
    assert summary["s3Prefix"] == "backups/daily"
    assert summary["itemCount"] == 2
    assert summary["outputFormat"] == "DYNAMODB_JSON"
    assert summary["manifestFilesS3Key"] == f"{base}/manifest-files.json"

    items = sorted(
        (json.loads(line) for line in exported_lines(s3, described)), key=lambda line: line["Item"]["pk"]["S"]
    )
    assert items == [
        {"Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "data": {"B": "AP8="}, "tags": {"SS": ["x"]}}},
        {
            "Item": {
                "pk": {"S": "b"},
                "sk": {"N": "2"},
                "amount": {"N": "1.5"},
                "nested": {"M": {"ok": {"BOOL": True}, "none": {"NULL": True}}},
            }
        },
    ]


def test_export_of_an_empty_table_writes_one_empty_data_file(ddb, pitr_table, s3):
    described = ddb.describe_export(ExportArn=export(ddb, pitr_table)["ExportArn"])["ExportDescription"]
    assert described["ItemCount"] == 0
    assert described["ExportManifest"].startswith("AWSDynamoDB/")
    assert exported_lines(s3, described) == []


def test_export_at_a_past_time(ddb, pitr_table, s3, stratus_server):
    put(ddb, "old", 1)
    stratus_server.advance_clock(20 * MINUTE)
    ddb.delete_item(TableName="items", Key={"pk": {"S": "old"}, "sk": {"N": "1"}})
    put(ddb, "new", 1)
    stratus_server.advance_clock(10 * MINUTE)
    earliest = ddb.describe_continuous_backups(TableName="items")["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"
    ]["EarliestRestorableDateTime"]
    then = export(ddb, pitr_table, ExportTime=earliest + timedelta(minutes=5))
    described = ddb.describe_export(ExportArn=then["ExportArn"])["ExportDescription"]
    assert [json.loads(line)["Item"]["pk"]["S"] for line in exported_lines(s3, described)] == ["old"]
    now = ddb.describe_export(ExportArn=export(ddb, pitr_table)["ExportArn"])["ExportDescription"]
    assert [json.loads(line)["Item"]["pk"]["S"] for line in exported_lines(s3, now)] == ["new"]


def test_export_time_outside_the_window(ddb, pitr_table, s3, stratus_server):
    stratus_server.advance_clock(30 * MINUTE)
    described = ddb.describe_continuous_backups(TableName="items")["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"
    ]
    for moment in (
        described["EarliestRestorableDateTime"] - timedelta(hours=1),
        described["LatestRestorableDateTime"] + timedelta(hours=1),
    ):
        assert refused(
            ddb.export_table_to_point_in_time, TableArn=pitr_table, S3Bucket="exports", ExportTime=moment
        ) == ("InvalidExportTimeException", "Export Time is invalid")
    assert refused(
        ddb.export_table_to_point_in_time,
        TableArn=pitr_table,
        S3Bucket="exports",
        ExportTime=described["LatestRestorableDateTime"] + timedelta(minutes=2),
    ) == ("InvalidExportTimeException", "Point in Time Recovery is not available for specified export time")


def test_export_to_a_missing_bucket_fails(ddb, pitr_table, s3):
    answer = ddb.export_table_to_point_in_time(TableArn=pitr_table, S3Bucket="no-such-bucket")[
        "ExportDescription"
    ]
    assert answer["ExportStatus"] == "IN_PROGRESS"
    described = ddb.describe_export(ExportArn=answer["ExportArn"])["ExportDescription"]
    assert described["ExportStatus"] == "FAILED"
    assert described["FailureCode"] == "S3NoSuchBucket"
    assert described["FailureMessage"].startswith("The specified bucket does not exist (Service: Amazon S3;")
    assert "ExportManifest" not in described


def test_export_to_a_bucket_of_another_owner_fails(ddb, pitr_table, s3):
    answer = export(ddb, pitr_table, S3BucketOwner="111122223333")
    described = ddb.describe_export(ExportArn=answer["ExportArn"])["ExportDescription"]
    assert (described["ExportStatus"], described["FailureCode"]) == ("FAILED", "S3AccessDenied")
    assert described["S3BucketOwner"] == "111122223333"
    assert "Contents" not in s3.list_objects_v2(Bucket="exports")  # nothing was written


def test_client_token_replays_and_conflicts(ddb, pitr_table, s3):
    first = export(ddb, pitr_table, ClientToken="token-1")
    replay = export(ddb, pitr_table, ClientToken="token-1")
    assert replay["ExportArn"] == first["ExportArn"]
    assert replay["ExportStatus"] == "COMPLETED"
    assert refused(
        ddb.export_table_to_point_in_time,
        TableArn=pitr_table,
        S3Bucket="exports",
        S3Prefix="else",
        ClientToken="token-1",
    ) == (
        "ExportConflictException",
        "Export conflict: Duplicate request detected with conflicting parameters",
    )
    assert export(ddb, pitr_table, ClientToken="token-2")["ExportArn"] != first["ExportArn"]


def test_export_request_validation(ddb, pitr_table, s3):
    assert refused(
        ddb.export_table_to_point_in_time,
        TableArn=pitr_table,
        S3Bucket="exports",
        S3SseKmsKeyId="alias/aws/s3",
    ) == ("ValidationException", "Invalid Request: KMS Key Id is not supported for this encryption type")
    assert refused(
        ddb.export_table_to_point_in_time,
        TableArn=pitr_table,
        S3Bucket="exports",
        ExportType="INCREMENTAL_EXPORT",
    ) == (
        "ValidationException",
        "Invalid Request: Incremental Export Specification expected when export type is set as Incremental Export",
    )
    assert refused(
        ddb.export_table_to_point_in_time,
        TableArn=pitr_table,
        S3Bucket="exports",
        ExportType="INCREMENTAL_EXPORT",
        IncrementalExportSpecification={"ExportViewType": "NEW_IMAGE"},
    ) == (
        "ValidationException",
        "Invalid Request: ExportFromTime must be provided in IncrementalExportSpecification",
    )


def test_describe_and_list_exports(ddb, pitr_table, s3, simple_table):
    first, second = export(ddb, pitr_table), export(ddb, pitr_table)
    listed = ddb.list_exports(TableArn=pitr_table)["ExportSummaries"]
    assert [summary["ExportArn"] for summary in listed] == sorted(
        [first["ExportArn"], second["ExportArn"]], reverse=True
    )
    assert listed[0] == {
        "ExportArn": listed[0]["ExportArn"],
        "ExportStatus": "COMPLETED",
        "ExportType": "FULL_EXPORT",
    }
    page = ddb.list_exports(MaxResults=1)
    assert len(page["ExportSummaries"]) == 1
    rest = ddb.list_exports(MaxResults=1, NextToken=page["NextToken"])
    assert rest["ExportSummaries"][0]["ExportArn"] != page["ExportSummaries"][0]["ExportArn"]
    assert "NextToken" not in rest
    assert refused(ddb.list_exports, NextToken="garbage") == (
        "ValidationException",
        "Invalid Request: Provided nextToken is invalid: garbage",
    )
    simple_arn = ddb.describe_table(TableName=simple_table)["Table"]["TableArn"]
    assert ddb.list_exports(TableArn=simple_arn)["ExportSummaries"] == []

    missing = first["ExportArn"][:-8] + "00000000"
    assert refused(ddb.describe_export, ExportArn=missing) == (
        "ExportNotFoundException",
        f"Export not found: Export not found: {missing}",
    )
    assert refused(ddb.describe_export, ExportArn=pitr_table + "/stream/2024-01-01T00:00:00.000") == (
        "ValidationException",
        "Invalid Export ARN",
    )
    # the record outlives the table, but the table's listing does not
    ddb.delete_table(TableName="items")
    assert (
        ddb.describe_export(ExportArn=first["ExportArn"])["ExportDescription"]["ExportStatus"] == "COMPLETED"
    )
    assert ddb.list_exports(TableArn=pitr_table)["ExportSummaries"] == []


def test_incremental_export(ddb, pitr_table, s3, stratus_server):
    put(ddb, "kept", 1, colour={"S": "red"})
    put(ddb, "gone", 1)
    stratus_server.advance_clock(MINUTE)
    start = ddb.describe_continuous_backups(TableName="items")["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"
    ]["EarliestRestorableDateTime"] + timedelta(seconds=30)
    stratus_server.advance_clock(MINUTE)
    ddb.update_item(
        TableName="items",
        Key={"pk": {"S": "kept"}, "sk": {"N": "1"}},
        UpdateExpression="SET colour = :c",
        ExpressionAttributeValues={":c": {"S": "blue"}},
    )
    ddb.delete_item(TableName="items", Key={"pk": {"S": "gone"}, "sk": {"N": "1"}})
    put(ddb, "added", 1)
    stratus_server.advance_clock(20 * MINUTE)

    assert refused(
        ddb.export_table_to_point_in_time,
        TableArn=pitr_table,
        S3Bucket="exports",
        ExportType="INCREMENTAL_EXPORT",
        IncrementalExportSpecification={
            "ExportFromTime": start,
            "ExportToTime": start + timedelta(minutes=5),
        },
    ) == (
        "InvalidExportTimeException",
        "Difference between export period from time and export period to time is less than 15 minutes",
    )
    answer = export(
        ddb,
        pitr_table,
        ExportType="INCREMENTAL_EXPORT",
        IncrementalExportSpecification={
            "ExportFromTime": start,
            "ExportToTime": start + timedelta(minutes=16),
        },
    )
    described = ddb.describe_export(ExportArn=answer["ExportArn"])["ExportDescription"]
    assert described["ExportType"] == "INCREMENTAL_EXPORT"
    assert described["IncrementalExportSpecification"]["ExportViewType"] == "NEW_AND_OLD_IMAGES"
    assert described["ItemCount"] == 3
    assert described["BilledSizeBytes"] >= 10_000_000
    lines = {json.loads(line)["Keys"]["pk"]["S"]: json.loads(line) for line in exported_lines(s3, described)}
    assert set(lines) == {"kept", "gone", "added"}
    assert lines["kept"]["OldImage"]["colour"] == {"S": "red"}
    assert lines["kept"]["NewImage"]["colour"] == {"S": "blue"}
    assert "NewImage" not in lines["gone"] and lines["gone"]["OldImage"]["pk"] == {"S": "gone"}
    assert "OldImage" not in lines["added"] and lines["added"]["NewImage"]["pk"] == {"S": "added"}
    assert int(lines["added"]["Metadata"]["WriteTimestampMicros"]["N"]) > 0
    summaries = ddb.list_exports()["ExportSummaries"]
    assert summaries[0]["ExportType"] == "INCREMENTAL_EXPORT"


# -- ImportTable ------------------------------------------------------------------------------------


def import_table(ddb, prefix, input_format="DYNAMODB_JSON", name="imported", **extra) -> dict:
    request = {
        "S3BucketSource": {"S3Bucket": "exports", "S3KeyPrefix": prefix},
        "InputFormat": input_format,
        "TableCreationParameters": {
            "TableName": name,
            "AttributeDefinitions": definitions(pk="S", sk="N"),
            "KeySchema": key_schema("pk", "sk"),
            "BillingMode": "PAY_PER_REQUEST",
        },
    }
    request.update(extra)
    return ddb.import_table(**request)["ImportTableDescription"]


def scan(ddb, table) -> list[dict]:
    return sorted(ddb.scan(TableName=table)["Items"], key=lambda item: (item["pk"]["S"], item["sk"]["N"]))


def test_export_then_import_round_trip(ddb, pitr_table, s3):
    put(ddb, "a", 1, data={"B": b"\x01\x02"}, numbers={"NS": ["1", "2.5"]})
    put(ddb, "b", 2, words={"L": [{"S": "x"}, {"N": "-3"}]})
    described = ddb.describe_export(ExportArn=export(ddb, pitr_table, S3Prefix="rt")["ExportArn"])[
        "ExportDescription"
    ]
    data_prefix = described["ExportManifest"].rsplit("/", 1)[0] + "/data/"
    answer = import_table(ddb, data_prefix, InputCompressionType="GZIP")
    assert answer["ImportStatus"] == "IN_PROGRESS"
    assert answer["TableArn"].endswith(":table/imported")
    done = ddb.describe_import(ImportArn=answer["ImportArn"])["ImportTableDescription"]
    assert done["ImportStatus"] == "COMPLETED"
    assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (2, 2, 0)
    assert done["InputCompressionType"] == "GZIP"
    assert done["S3BucketSource"]["S3BucketOwner"] == pitr_table.split(":")[4]
    assert done["TableId"] == ddb.describe_table(TableName="imported")["Table"]["TableId"]
    assert scan(ddb, "imported") == scan(ddb, "items")
    assert ddb.describe_table(TableName="imported")["Table"]["TableStatus"] == "ACTIVE"


def test_ion_export_and_import(ddb, pitr_table, s3):
    put(
        ddb, "a", 1, data={"B": b"\x01"}, tags={"SS": ["x", "y"]}, price={"N": "1E+3"}, nothing={"NULL": True}
    )
    put(ddb, "it's", 2, nested={"M": {"odd key": {"BOOL": False}, "list": {"L": [{"N": "-0.5"}]}}})
    described = ddb.describe_export(ExportArn=export(ddb, pitr_table, ExportFormat="ION")["ExportArn"])[
        "ExportDescription"
    ]
    assert described["ExportFormat"] == "ION"
    lines = exported_lines(s3, described)
    assert all(line.startswith(b"$ion_1_0 {Item:{") for line in lines)
    data_prefix = described["ExportManifest"].rsplit("/", 1)[0] + "/data/"
    answer = import_table(ddb, data_prefix, "ION", InputCompressionType="GZIP")
    done = ddb.describe_import(ImportArn=answer["ImportArn"])["ImportTableDescription"]
    assert done["ImportStatus"] == "COMPLETED", done
    assert scan(ddb, "imported") == scan(ddb, "items")


def test_csv_import(ddb, s3):
    s3.put_object(Bucket="exports", Key="csv/one.csv", Body=b"pk,sk,colour,empty\na,1,red,\nb,2,blue,x\n")
    s3.put_object(Bucket="exports", Key="csv/two.csv", Body=b'pk,sk,colour\nc,3,"green, light"\n')
    answer = import_table(ddb, "csv/", "CSV")
    done = ddb.describe_import(ImportArn=answer["ImportArn"])["ImportTableDescription"]
    assert done["ImportStatus"] == "COMPLETED"
    assert "InputFormatOptions" not in done
    assert scan(ddb, "imported") == [
        {"pk": {"S": "a"}, "sk": {"N": "1"}, "colour": {"S": "red"}},
        {"pk": {"S": "b"}, "sk": {"N": "2"}, "colour": {"S": "blue"}, "empty": {"S": "x"}},
        {"pk": {"S": "c"}, "sk": {"N": "3"}, "colour": {"S": "green, light"}},
    ]


def test_csv_import_with_header_list_and_delimiter(ddb, s3):
    s3.put_object(Bucket="exports", Key="semi.csv.gz", Body=gzip.compress(b"a;7;9\nb;8;10\n"))
    options = {"Csv": {"Delimiter": ";", "HeaderList": ["pk", "sk", "count"]}}
    answer = import_table(ddb, "semi", "CSV", InputFormatOptions=options, InputCompressionType="GZIP")
    done = ddb.describe_import(ImportArn=answer["ImportArn"])["ImportTableDescription"]
    assert done["InputFormatOptions"] == options
    assert scan(ddb, "imported")[0] == {"pk": {"S": "a"}, "sk": {"N": "7"}, "count": {"S": "9"}}


def test_import_with_a_bad_line_fails_but_keeps_the_valid_items(ddb, s3):
    lines = [json.dumps({"Item": {"pk": {"S": f"k{n}"}, "sk": {"N": str(n)}}}) for n in range(4)]
    lines.insert(2, json.dumps({"Item": {"pk": {"S": "no sort key"}}}))
    s3.put_object(Bucket="exports", Key="bad/items.json", Body="\n".join(lines).encode())
    answer = import_table(ddb, "bad/")
    done = ddb.describe_import(ImportArn=answer["ImportArn"])["ImportTableDescription"]
    assert done["ImportStatus"] == "FAILED"
    assert done["FailureCode"] == "ItemValidationError"
    assert done["FailureMessage"] == (
        "Some of the items failed validation checks and were not imported. "
        "Please check CloudWatch error logs for more details."
    )
    assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (5, 4, 1)
    assert len(scan(ddb, "imported")) == 4


def test_import_stops_reading_an_object_at_an_unparseable_line(ddb, s3):
    lines = [json.dumps({"Item": {"pk": {"S": f"k{n}"}, "sk": {"N": str(n)}}}) for n in range(4)]
    lines.insert(1, "{not json")
    s3.put_object(Bucket="exports", Key="garbage.json", Body="\n".join(lines).encode())
    done = ddb.describe_import(ImportArn=import_table(ddb, "garbage")["ImportArn"])["ImportTableDescription"]
    assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (2, 1, 1)


def test_import_from_a_missing_bucket_fails_without_a_table(ddb, s3):
    answer = ddb.import_table(
        S3BucketSource={"S3Bucket": "no-such-bucket"},
        InputFormat="DYNAMODB_JSON",
        TableCreationParameters={
            "TableName": "never",
            "AttributeDefinitions": definitions(pk="S"),
            "KeySchema": key_schema("pk"),
            "BillingMode": "PAY_PER_REQUEST",
        },
    )["ImportTableDescription"]
    done = ddb.describe_import(ImportArn=answer["ImportArn"])["ImportTableDescription"]
    assert done["ImportStatus"] == "FAILED"
    assert done["FailureCode"] == "S3NoSuchBucket"
    assert refused(ddb.describe_table, TableName="never")[0] == "ResourceNotFoundException"


def test_import_request_errors(ddb, s3, table):
    assert refused(import_table, ddb, "x", name=table) == (
        "ResourceInUseException",
        "Table already exists: items",
    )
    assert refused(import_table, ddb, "x", InputFormatOptions={"Csv": {"Delimiter": ";"}}) == (
        "ValidationException",
        "Invalid Request: Unsupported InputFormatOptions for the given input format: DYNAMODB_JSON.",
    )
    code, _ = refused(
        ddb.import_table,
        S3BucketSource={"S3Bucket": "exports"},
        InputFormat="DYNAMODB_JSON",
        TableCreationParameters={
            "TableName": "provisioned",
            "AttributeDefinitions": definitions(pk="S"),
            "KeySchema": key_schema("pk"),
        },
    )
    assert code == "ValidationException"  # PROVISIONED (the default) needs throughput


def test_import_client_token(ddb, s3):
    first = import_table(ddb, "empty/", ClientToken="tok")
    assert (
        ddb.describe_import(ImportArn=first["ImportArn"])["ImportTableDescription"]["ImportStatus"]
        == "COMPLETED"
    )
    assert refused(import_table, ddb, "empty/", name="other", ClientToken="tok") == (
        "ImportConflictException",
        "Import conflict: Duplicate request detected with conflicting parameters",
    )
    assert refused(import_table, ddb, "empty/", ClientToken="tok")[0] == "ResourceInUseException"
    ddb.delete_table(TableName="imported")
    assert import_table(ddb, "empty/", ClientToken="tok")["ImportArn"] == first["ImportArn"]


def test_describe_and_list_imports(ddb, s3):
    first = import_table(ddb, "none/", name="first")
    second = import_table(ddb, "none/", name="second")
    listed = ddb.list_imports()["ImportSummaryList"]
    assert [summary["ImportArn"] for summary in listed] == [second["ImportArn"], first["ImportArn"]]
    assert listed[0]["ImportStatus"] == "COMPLETED"
    assert listed[0]["InputFormat"] == "DYNAMODB_JSON"
    assert listed[0]["S3BucketSource"]["S3Bucket"] == "exports"
    assert listed[0]["CloudWatchLogGroupArn"].endswith(":log-group:/aws-dynamodb/imports:*")
    by_table = ddb.list_imports(TableArn=first["TableArn"])["ImportSummaryList"]
    assert [summary["ImportArn"] for summary in by_table] == [first["ImportArn"]]
    page = ddb.list_imports(PageSize=1)
    rest = ddb.list_imports(PageSize=1, NextToken=page["NextToken"])
    assert [p["ImportSummaryList"][0]["ImportArn"] for p in (page, rest)] == [
        second["ImportArn"],
        first["ImportArn"],
    ]
    assert refused(ddb.describe_import, ImportArn=first["TableArn"] + "/index/abc") == (
        "ValidationException",
        "Invalid Import ARN",
    )
    missing = first["ImportArn"][:-8] + "00000000"
    assert refused(ddb.describe_import, ImportArn=missing)[0] == "ImportNotFoundException"
