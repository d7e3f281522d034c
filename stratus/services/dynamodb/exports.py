"""ExportTableToPointInTime, DescribeExport, ListExports.

An export reads the table as it was at ExportTime (the live table plus the PITR undo log, see
pitr.py) and writes DynamoDB's export layout (export_files.py) to the bucket through the internal
S3 client, as `dynamodb.amazonaws.com`. It completes inside the call: the answer shows it
IN_PROGRESS (as DynamoDB answers), DescribeExport shows it COMPLETED, or FAILED with the S3 error
(S3NoSuchBucket, S3AccessDenied ...) when the bucket refused the objects, as DynamoDB reports
bucket problems. DynamoDbProvider supplies `db`.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.dynamodb import export_files, item_json, pitr
from stratus.services.dynamodb.backup_errors import (
    AccessDeniedException,
    ExportConflictException,
    ExportNotFoundException,
    InvalidExportTimeException,
    TableNotFoundException,
    new_job_id,
    parse_child_arn,
    pitr_unavailable,
    table_of_arn,
)
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.item_size import item_size
from stratus.services.dynamodb.job_store import (
    find_by_token,
    find_job,
    list_page,
    page_token,
    resume_after,
    save_job,
    shown_times,
    stored_times,
    update_job,
)
from stratus.services.dynamodb.table_store import Table, find_table
from stratus.store import Database

INCREMENTAL = "INCREMENTAL_EXPORT"
MIN_INCREMENTAL_SECONDS = 15 * 60
MAX_INCREMENTAL_SECONDS = 24 * 3600
INCREMENTAL_MIN_BILLED_BYTES = 10_000_000  # DynamoDB bills an incremental export at least 10 MB
OFFLOAD_ABOVE_BYTES = 1024 * 1024
TIMES = ("StartTime", "EndTime", "ExportTime")
INCREMENTAL_TIMES = ("ExportFromTime", "ExportToTime")
DIGESTED = (
    "TableArn",
    "ExportTime",
    "S3Bucket",
    "S3BucketOwner",
    "S3Prefix",
    "S3SseAlgorithm",
    "S3SseKmsKeyId",
    "ExportFormat",
    "ExportType",
    "IncrementalExportSpecification",
)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _digest(req: dict) -> str:
    shown = {member: req.get(member) for member in DIGESTED}
    return hashlib.sha256(json.dumps(shown, sort_keys=True, default=str).encode()).hexdigest()


def _shown(stored: dict) -> dict:
    shown = shown_times(stored, TIMES)
    if shown.get("IncrementalExportSpecification"):
        shown["IncrementalExportSpecification"] = shown_times(
            shown["IncrementalExportSpecification"], INCREMENTAL_TIMES
        )
    return shown


def _check_request(req: dict) -> None:
    export_type = req.get("ExportType")
    incremental = req.get("IncrementalExportSpecification")
    if incremental is not None and export_type is None:
        raise ValidationException(
            "Invalid Request: Export Type expected to be Incremental Export when incremental export "
            "specification is provided"
        )
    if incremental is not None and export_type != INCREMENTAL:
        raise ValidationException(
            "Invalid Request: When Export Type is Full Export , Incremental Export Specification should not be provided"
        )
    if export_type == INCREMENTAL:
        if incremental is None:
            raise ValidationException(
                "Invalid Request: Incremental Export Specification expected when export type is set as Incremental Export"
            )
        if incremental.get("ExportFromTime") is None:
            raise ValidationException(
                "Invalid Request: ExportFromTime must be provided in IncrementalExportSpecification"
            )
        if req.get("ExportTime") is not None:
            raise ValidationException("Invalid Request: ExportTime cannot be provided for Incremental Export")
    if req.get("S3SseKmsKeyId") is not None and req.get("S3SseAlgorithm") != "KMS":
        raise ValidationException("Invalid Request: KMS Key Id is not supported for this encryption type")


def _full_export_time(req: dict, window: pitr.RecoveryWindow, now: float) -> float:
    if req.get("ExportTime") is None:
        return now
    moment = req["ExportTime"].timestamp()
    if moment > now or moment < window.earliest - pitr.TIME_TOLERANCE:
        raise InvalidExportTimeException("Export Time is invalid")
    if moment > window.latest + pitr.TIME_TOLERANCE:
        raise InvalidExportTimeException("Point in Time Recovery is not available for specified export time")
    return min(max(moment, window.earliest), now)


def _incremental_period(spec: dict, window: pitr.RecoveryWindow, now: float) -> tuple[float, float]:
    start = spec["ExportFromTime"].timestamp()
    end = spec["ExportToTime"].timestamp() if spec.get("ExportToTime") is not None else now
    if start < window.earliest - pitr.TIME_TOLERANCE:
        raise InvalidExportTimeException(
            f"Incremental export period from time cannot be less than the table creation time : {_iso(start)}"
        )
    if end > now:
        raise InvalidExportTimeException(
            f"Incremental export period to time cannot be greater than the current time : {_iso(end)}"
        )
    if end - start < MIN_INCREMENTAL_SECONDS:
        raise InvalidExportTimeException(
            "Difference between export period from time and export period to time is less than 15 minutes"
        )
    if end - start > MAX_INCREMENTAL_SECONDS:
        raise InvalidExportTimeException(
            "Difference between export period from time and export period to time is more than 24 hours"
        )
    return start, end


def _items_at(db: Database, table: Table, moment: float, now: float) -> list[str]:
    if moment >= now:  # the table as it is
        return [
            row["item"]
            for row in db.query("SELECT item FROM ddb_items WHERE table_id = ?", (table.table_id,))
        ]
    return pitr.items_at(db, table, moment)


class ExportOperations:
    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    async def export_table_to_point_in_time(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        account, name = table_of_arn(req["TableArn"], "tableArn")
        if account != ctx.account_id:
            raise AccessDeniedException("Access is denied")
        _check_request(req)
        table = find_table(db, ctx.account_id, ctx.region, name)  # the ARN's region is not looked at
        if table is None:
            raise TableNotFoundException(f"Table not found: {req['TableArn']}")
        token, digest = req.get("ClientToken"), _digest(req)
        if token:
            earlier = find_by_token(
                db, "ddb_exports", ctx.account_id, ctx.region, token, ctx.time.timestamp()
            )
            if earlier is not None:
                if earlier["request_digest"] != digest:
                    raise ExportConflictException(
                        "Export conflict: Duplicate request detected with conflicting parameters"
                    )
                return {"ExportDescription": _shown(json.loads(earlier["description"]))}
        now = ctx.time.timestamp()
        window = pitr.recovery_window(table.definition, now)
        if window is None:
            raise pitr_unavailable(table.name)
        export_format = req.get("ExportFormat") or "DYNAMODB_JSON"
        job_id = new_job_id(now)
        resource = f"table/{table.name}/export/{job_id}"
        started = int(now * 1000) / 1000
        described: dict = {
            "ExportArn": f"arn:{ctx.partition}:dynamodb:{ctx.region}:{ctx.account_id}:{resource}",
            "ExportStatus": "IN_PROGRESS",
            "StartTime": started,
            "TableArn": table.arn,
            "TableId": table.uuid,
            "ClientToken": token,
            "S3Bucket": req["S3Bucket"],
            "S3BucketOwner": req.get("S3BucketOwner"),
            "S3Prefix": req.get("S3Prefix"),
            "S3SseAlgorithm": req.get("S3SseAlgorithm") or "AES256",
            "S3SseKmsKeyId": req.get("S3SseKmsKeyId"),
            "ExportFormat": export_format,
        }
        if req.get("ExportType") == INCREMENTAL:
            spec = req["IncrementalExportSpecification"]
            start, end = _incremental_period(spec, window, now)
            view_type = spec.get("ExportViewType") or "NEW_AND_OLD_IMAGES"
            described["ExportType"] = INCREMENTAL
            described["IncrementalExportSpecification"] = {
                "ExportFromTime": start,
                "ExportToTime": end,
                "ExportViewType": view_type,
            }
            lines = [
                export_files.change_line(change, table.key_attribute_names, view_type, export_format)
                for change in pitr.changes_between(db, table, start, end)
            ]
            billed = max(sum(len(line) for line in lines), INCREMENTAL_MIN_BILLED_BYTES)
        else:
            moment = _full_export_time(req, window, now)
            described["ExportTime"] = int(moment * 1000) / 1000 if req.get("ExportTime") is None else moment
            texts = _items_at(db, table, moment, now)
            lines = [export_files.item_line(text, export_format) for text in texts]
            billed = (
                table.size_bytes if moment >= now else sum(item_size(item_json.loads(text)) for text in texts)
            )
        with db.transaction():
            export_row = save_job(
                db,
                "ddb_exports",
                ctx,
                resource,
                described["ExportArn"],
                {"table_arn": table.arn, "table_uuid": table.uuid, "request_digest": digest},
                token,
                stored_times(described),
            )
        answer = {key: value for key, value in described.items() if value is not None}
        finished = await self._write(ctx, table, described, lines, job_id, billed)
        with db.transaction():
            update_job(db, "ddb_exports", export_row, stored_times(finished))
        return {"ExportDescription": _shown(answer)}

    async def _write(
        self,
        ctx: RequestContext,
        table: Table,
        described: dict,
        lines: list[bytes],
        job_id: str,
        billed: int,
    ) -> dict:
        """Write the export's objects; the description it ends with (COMPLETED or FAILED)."""
        s3 = ctx.aws("s3", principal="dynamodb.amazonaws.com", source_arn=table.arn)
        bucket = described["S3Bucket"]
        base = export_files.root(described.get("S3Prefix"), job_id)
        extra: dict = {}
        if described.get("S3BucketOwner"):
            extra["ExpectedBucketOwner"] = described["S3BucketOwner"]
        if described["S3SseAlgorithm"] == "KMS":
            extra["ServerSideEncryption"] = "aws:kms"
            if described.get("S3SseKmsKeyId"):
                extra["SSEKMSKeyId"] = described["S3SseKmsKeyId"]
        else:
            extra["ServerSideEncryption"] = "AES256"
        finished = dict(described)
        try:
            await s3.put_object(Bucket=bucket, Key=f"{base}/_started", Body=b"", **extra)
            entries, item_count = [], 0
            if sum(len(line) for line in lines) > OFFLOAD_ABOVE_BYTES:  # gzip big exports off the loop
                data_files = await ctx.offload(lambda: list(export_files.data_files(lines)))
            else:
                data_files = list(export_files.data_files(lines))
            for data_file in data_files:
                key = export_files.data_file_key(base, described["ExportFormat"])
                put = await s3.put_object(Bucket=bucket, Key=key, Body=data_file.body, **extra)
                entries.append(
                    {
                        "itemCount": data_file.item_count,
                        "md5Checksum": data_file.md5_base64,
                        "etag": str(put.get("ETag", "")).strip('"'),
                        "dataFileS3Key": key,
                    }
                )
                item_count += data_file.item_count
            finished_at = int(ctx.runtime.clock.time() * 1000) / 1000
            finished.update(
                ExportStatus="COMPLETED",
                EndTime=max(finished_at, described["StartTime"]),
                ExportManifest=f"{base}/manifest-summary.json",
                ItemCount=item_count,
                BilledSizeBytes=billed,
            )
            files_body = export_files.manifest_files(entries)
            await s3.put_object(Bucket=bucket, Key=f"{base}/manifest-files.json", Body=files_body, **extra)
            await s3.put_object(
                Bucket=bucket,
                Key=f"{base}/manifest-files.checksum",
                Body=export_files.checksum(files_body),
                **extra,
            )
            summary = export_files.manifest_summary(finished, f"{base}/manifest-files.json")
            await s3.put_object(Bucket=bucket, Key=f"{base}/manifest-summary.json", Body=summary, **extra)
            await s3.put_object(
                Bucket=bucket,
                Key=f"{base}/manifest-summary.checksum",
                Body=export_files.checksum(summary),
                **extra,
            )
        except ServiceError as error:
            finished = dict(described)
            finished.update(
                ExportStatus="FAILED",
                EndTime=max(int(ctx.runtime.clock.time() * 1000) / 1000, described["StartTime"]),
                FailureCode=f"S3{error.code}",
                FailureMessage=(
                    f"{error.message} (Service: Amazon S3; Status Code: {error.status}; "
                    f"Error Code: {error.code}; Request ID: {ctx.request_id})"
                ),
            )
        return finished

    def describe_export(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        wanted = parse_child_arn(ctx, req["ExportArn"], "export")
        row = find_job(db, "ddb_exports", wanted.account_id, ctx.region, wanted.resource)
        if row is None:
            raise ExportNotFoundException(f"Export not found: Export not found: {req['ExportArn']}")
        return {"ExportDescription": _shown(json.loads(row["description"]))}

    def list_exports(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        after = resume_after(req.get("NextToken"), "export")
        table_filter = None
        if req.get("TableArn"):
            account, name = table_of_arn(req["TableArn"], "tableArn")
            table = find_table(db, account, ctx.region, name)
            if table is None:
                return {"ExportSummaries": []}  # exports of a deleted table are listed no more
            table_filter = ("table_uuid", table.uuid)
        rows, more = list_page(db, "ddb_exports", ctx, table_filter, after, req.get("MaxResults"))
        summaries = []
        for row in rows:
            described = json.loads(row["description"])
            summaries.append(
                {
                    "ExportArn": described["ExportArn"],
                    "ExportStatus": described["ExportStatus"],
                    "ExportType": described.get("ExportType") or "FULL_EXPORT",
                }
            )
        result: dict = {"ExportSummaries": summaries}
        if more:
            result["NextToken"] = page_token("export", rows[-1]["arn"])
        return result
