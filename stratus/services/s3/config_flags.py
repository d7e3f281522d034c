"""Two bucket-wide switches: Requester Pays (Get/PutBucketRequestPayment) and Transfer Acceleration
(Get/PutBucketAccelerateConfiguration)."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.s3.common import InvalidRequest, MalformedXML, s3_error
from stratus.services.s3.config_store import (
    ACCELERATE,
    REQUEST_PAYMENT,
    ConfigOperationsBase,
    read_config,
    write_config,
)
from stratus.store import Database

PAYERS = ("BucketOwner", "Requester")
ACCELERATE_STATUSES = ("Enabled", "Suspended")


def requester_pays(db: Database, bucket: str) -> bool:
    return (read_config(db, bucket, REQUEST_PAYMENT) or {}).get("Payer") == "Requester"


class BucketFlagOperations(ConfigOperationsBase):
    def put_bucket_request_payment(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        payer = req["RequestPaymentConfiguration"].get("Payer")
        if payer not in PAYERS:
            raise s3_error(MalformedXML)
        db = self.db()
        with db.transaction():
            write_config(db, bucket.name, REQUEST_PAYMENT, {"Payer": payer})
        return {}

    def get_bucket_request_payment(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        return {"Payer": "Requester" if requester_pays(self.db(), bucket.name) else "BucketOwner"}

    def put_bucket_accelerate_configuration(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        if "." in bucket.name:
            raise s3_error(
                InvalidRequest,
                "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names",
            )
        status = req["AccelerateConfiguration"].get("Status")
        if status not in ACCELERATE_STATUSES:
            raise s3_error(MalformedXML)
        db = self.db()
        with db.transaction():
            write_config(db, bucket.name, ACCELERATE, {"Status": status})
        return {}

    def get_bucket_accelerate_configuration(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        # A bucket never configured answers no Status at all.
        return read_config(self.db(), bucket.name, ACCELERATE) or {}
