"""Durable state: one SQLite database and one blob tree per service under the data directory."""

from stratus.store.blobs import BlobInfo, BlobNotFoundError, BlobStore, BlobWriter, validate_blob_id
from stratus.store.sqlite import Database, MigrationError, Reader, Row, TransactionError
from stratus.store.state import OUTBOX_TABLE, StateStore, validate_service_name

__all__ = [
    "OUTBOX_TABLE",
    "BlobInfo",
    "BlobNotFoundError",
    "BlobStore",
    "BlobWriter",
    "Database",
    "MigrationError",
    "Reader",
    "Row",
    "StateStore",
    "TransactionError",
    "validate_blob_id",
    "validate_service_name",
]
