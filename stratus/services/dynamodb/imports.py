"""ImportTable, DescribeImport, ListImports.

An import creates a new table from the S3 objects under a key prefix (a raw prefix match, as in
S3), read through the internal S3 client as `dynamodb.amazonaws.com`: DynamoDB JSON, CSV or Ion,
gzip-compressed or not. It completes inside the call: the answer shows it IN_PROGRESS (as
DynamoDB answers), DescribeImport shows the outcome. As in DynamoDB, a line that is no valid item
is counted in ErrorCount and the import ends FAILED (ItemValidationError) with the valid items
imported; a bucket that cannot be read ends it FAILED (S3NoSuchBucket ...) with no table.
ZSTD-compressed sources are refused (NotImplemented): Stratus has no zstd decoder.
DynamoDbProvider supplies `db`.
"""

from __future__ import annotations

import json
import uuid

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.dynamodb import import_formats
from stratus.services.dynamodb.backup_errors import (
    ImportConflictException,
    ImportNotFoundException,
    new_job_id,
    parse_child_arn,
)
from stratus.services.dynamodb.common import ResourceInUseException, ValidationException
from stratus.services.dynamodb.item_checks import checked_item
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
from stratus.services.dynamodb.restore import create_table, put_imported
from stratus.services.dynamodb.table_definition import INVALID, PROVISIONED, build_definition
from stratus.services.dynamodb.table_store import find_table
from stratus.store import Database

TIMES = ("StartTime", "EndTime")
ITEM_VALIDATION_FAILED = (
    "Some of the items failed validation checks and were not imported. "
    "Please check CloudWatch error logs for more details."
)


def _already_exists(name: str) -> ResourceInUseException:
    return ResourceInUseException(f"Table already exists: {name}")


def _definition(params: dict) -> dict:
    on_demand = params.get("OnDemandThroughput")
    if on_demand and (params.get("BillingMode") or PROVISIONED) == PROVISIONED:
        member = "MaxWriteRequestUnits" if "MaxWriteRequestUnits" in on_demand else "MaxReadRequestUnits"
        raise ValidationException(
            INVALID
            + f"{member} for OnDemandThroughput cannot be specified when table BillingMode is PROVISIONED."
        )
    return build_definition(params)


def _source_objects(listing: dict) -> list[str]:
    return [entry["Key"] for entry in listing.get("Contents") or () if not entry["Key"].endswith("/")]


class ImportOperations:
    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    async def import_table(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        params = req["TableCreationParameters"]
        input_format = req["InputFormat"]
        options = req.get("InputFormatOptions")
        compression = req.get("InputCompressionType") or "NONE"
        if options and options.get("Csv") is not None and input_format != "CSV":
            raise ValidationException(
                f"Invalid Request: Unsupported InputFormatOptions for the given input format: {input_format}."
            )
        if compression == "ZSTD":
            raise ServiceError(
                "Stratus cannot read ZSTD-compressed import sources yet; use GZIP or NONE",
                code="NotImplemented",
                status=501,
                sender_fault=False,
            )
        definition = _definition(params)
        name = params["TableName"]
        token = req.get("ClientToken")
        if token:
            earlier = find_by_token(
                db, "ddb_imports", ctx.account_id, ctx.region, token, ctx.time.timestamp()
            )
            if earlier is not None:
                if earlier["table_name"] != name:
                    raise ImportConflictException(
                        "Import conflict: Duplicate request detected with conflicting parameters"
                    )
                if find_table(db, ctx.account_id, ctx.region, name) is not None:
                    raise _already_exists(name)
                return {"ImportTableDescription": shown_times(json.loads(earlier["description"]), TIMES)}
        if find_table(db, ctx.account_id, ctx.region, name) is not None:
            raise _already_exists(name)
        now = ctx.time.timestamp()
        resource = f"table/{name}/import/{new_job_id(now)}"
        source = dict(req["S3BucketSource"])
        source.setdefault("S3BucketOwner", ctx.account_id)
        described: dict = {
            "ImportArn": f"arn:{ctx.partition}:dynamodb:{ctx.region}:{ctx.account_id}:{resource}",
            "ImportStatus": "IN_PROGRESS",
            "TableArn": f"arn:{ctx.partition}:dynamodb:{ctx.region}:{ctx.account_id}:table/{name}",
            "TableId": str(uuid.uuid4()),
            "ClientToken": token,
            "S3BucketSource": source,
            "ErrorCount": 0,
            "CloudWatchLogGroupArn": (
                f"arn:{ctx.partition}:logs:{ctx.region}:{ctx.account_id}:log-group:/aws-dynamodb/imports:*"
            ),
            "InputFormat": input_format,
            "InputFormatOptions": options or None,
            "InputCompressionType": compression,
            "TableCreationParameters": params,
            "StartTime": int(now * 1000) / 1000,
            "ProcessedSizeBytes": 0,
            "ProcessedItemCount": 0,
            "ImportedItemCount": 0,
        }
        with db.transaction():
            row_id = save_job(
                db,
                "ddb_imports",
                ctx,
                resource,
                described["ImportArn"],
                {"table_arn": described["TableArn"], "table_name": name},
                token,
                stored_times(described),
            )
        finished = await self._run(ctx, db, described, definition)
        with db.transaction():
            update_job(db, "ddb_imports", row_id, stored_times(finished))
        return {"ImportTableDescription": shown_times(described, TIMES)}

    async def _read_source(self, ctx: RequestContext, source: dict) -> list[bytes]:
        s3 = ctx.aws("s3", principal="dynamodb.amazonaws.com")
        owner = {"ExpectedBucketOwner": source["S3BucketOwner"]} if source.get("S3BucketOwner") else {}
        keys: list[str] = []
        listing = await s3.list_objects_v2(
            Bucket=source["S3Bucket"], Prefix=source.get("S3KeyPrefix") or "", **owner
        )
        keys.extend(_source_objects(listing))
        while listing.get("IsTruncated"):
            listing = await s3.list_objects_v2(
                Bucket=source["S3Bucket"],
                Prefix=source.get("S3KeyPrefix") or "",
                ContinuationToken=listing["NextContinuationToken"],
                **owner,
            )
            keys.extend(_source_objects(listing))
        bodies = []
        for key in keys:
            got = await s3.get_object(Bucket=source["S3Bucket"], Key=key, **owner)
            body = got["Body"]
            try:
                bodies.append(body.read())
            finally:
                body.close()
        return bodies

    async def _run(self, ctx: RequestContext, db: Database, described: dict, definition: dict) -> dict:
        """Read the source and fill the new table; the description the import ends with."""
        finished = dict(described)
        try:
            bodies = await self._read_source(ctx, described["S3BucketSource"])
        except ServiceError as error:
            finished.update(
                ImportStatus="FAILED",
                EndTime=int(ctx.runtime.clock.time() * 1000) / 1000,
                FailureCode=f"S3{error.code}",
                FailureMessage=(
                    f"{error.message} (Service: Amazon S3; Status Code: {error.status}; "
                    f"Error Code: {error.code}; Request ID: {ctx.request_id})"
                ),
            )
            return finished
        name = described["TableCreationParameters"]["TableName"]
        key_types = {
            entry["AttributeName"]: entry["AttributeType"] for entry in definition["AttributeDefinitions"]
        }
        processed = imported = errors = size = 0
        with db.transaction():
            if find_table(db, ctx.account_id, ctx.region, name) is not None:
                finished.update(
                    ImportStatus="FAILED",
                    EndTime=int(ctx.runtime.clock.time() * 1000) / 1000,
                    FailureCode="TableAlreadyExists",
                    FailureMessage=f"Table already exists: {name}",
                )
                return finished
            table = create_table(ctx, db, name, definition, described["TableId"])
            for body in bodies:
                size += len(body)
                try:
                    text = import_formats.decompress(body, described["InputCompressionType"])
                except import_formats.UnreadableObject:
                    processed += 1
                    errors += 1
                    continue
                options = described.get("InputFormatOptions")
                for item in import_formats.items(text, described["InputFormat"], options, key_types):
                    processed += 1
                    try:
                        if item is None:
                            raise ValidationException("not an item")
                        put_imported(db, table, checked_item(table, item))
                        imported += 1
                    except ValidationException:
                        errors += 1
        finished.update(
            ImportStatus="COMPLETED" if errors == 0 else "FAILED",
            EndTime=int(ctx.runtime.clock.time() * 1000) / 1000,
            ErrorCount=errors,
            ProcessedSizeBytes=size,
            ProcessedItemCount=processed,
            ImportedItemCount=imported,
        )
        if errors:
            finished.update(FailureCode="ItemValidationError", FailureMessage=ITEM_VALIDATION_FAILED)
        return finished

    def describe_import(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        wanted = parse_child_arn(ctx, req["ImportArn"], "import")
        row = find_job(db, "ddb_imports", wanted.account_id, ctx.region, wanted.resource)
        if row is None:
            raise ImportNotFoundException(f"Import not found: {req['ImportArn']}")
        return {"ImportTableDescription": shown_times(json.loads(row["description"]), TIMES)}

    def list_imports(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        after = resume_after(req.get("NextToken"), "import")
        where = ("table_arn", req["TableArn"]) if req.get("TableArn") else None
        rows, more = list_page(db, "ddb_imports", ctx, where, after, req.get("PageSize"))
        summaries = []
        for row in rows:
            described = shown_times(json.loads(row["description"]), TIMES)
            summaries.append(
                {
                    member: described[member]
                    for member in (
                        "ImportArn",
                        "ImportStatus",
                        "TableArn",
                        "S3BucketSource",
                        "CloudWatchLogGroupArn",
                        "InputFormat",
                        "StartTime",
                        "EndTime",
                    )
                    if member in described
                }
            )
        result: dict = {"ImportSummaryList": summaries}
        if more:
            result["NextToken"] = page_token("import", rows[-1]["arn"])
        return result
