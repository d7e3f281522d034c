"""Function URL configurations' rows (table lambda_url_configs): the record, lookups, writes.

`qualifier` is '' for the unqualified function or an alias name. `config` holds AuthType, Cors
(absent when none) and InvokeMode as the API shows them. The data plane finds a URL by its id,
joined with its function so that a URL whose function is gone is never served.
"""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass

from stratus.store import Database

URL_ID_LENGTH = 32
_URL_ID_ALPHABET = string.ascii_lowercase + string.digits


@dataclass(frozen=True, slots=True)
class UrlConfig:
    url_id: str
    function_id: str
    qualifier: str  # '' for the unqualified function, else an alias name
    config: dict  # AuthType, Cors?, InvokeMode
    created_at: float
    last_modified: float

    @property
    def auth_type(self) -> str:
        return self.config["AuthType"]

    @property
    def cors(self) -> dict | None:
        return self.config.get("Cors")

    @property
    def invoke_mode(self) -> str:
        return self.config.get("InvokeMode") or "BUFFERED"


@dataclass(frozen=True, slots=True)
class UrlTarget:
    """What the data plane needs to serve a URL: its configuration and the function it invokes."""

    url: UrlConfig
    account_id: str
    region: str
    function_name: str
    function_arn: str  # unqualified

    @property
    def qualified_arn(self) -> str:
        return f"{self.function_arn}:{self.url.qualifier}" if self.url.qualifier else self.function_arn


def new_url_id() -> str:
    """32 lower-case letters and digits, as AWS's URL ids are."""
    return "".join(secrets.choice(_URL_ID_ALPHABET) for _ in range(URL_ID_LENGTH))


def _url_config(row) -> UrlConfig:
    return UrlConfig(
        url_id=row["url_id"],
        function_id=row["function_id"],
        qualifier=row["qualifier"],
        config=json.loads(row["config"]),
        created_at=row["created_at"],
        last_modified=row["last_modified"],
    )


def find_url_config(db: Database, function_id: str, qualifier: str) -> UrlConfig | None:
    row = db.query_one(
        "SELECT * FROM lambda_url_configs WHERE function_id = ? AND qualifier = ?", (function_id, qualifier)
    )
    return _url_config(row) if row is not None else None


def list_url_configs(db: Database, function_id: str, after: str, limit: int) -> list[UrlConfig]:
    """A page of a function's URL configurations in url id order, after the url id `after`."""
    rows = db.query(
        "SELECT * FROM lambda_url_configs WHERE function_id = ? AND url_id > ? ORDER BY url_id LIMIT ?",
        (function_id, after, limit),
    )
    return [_url_config(row) for row in rows]


def find_url_target(db: Database, url_id: str) -> UrlTarget | None:
    row = db.query_one(
        "SELECT u.*, f.account_id AS f_account_id, f.region AS f_region, f.name AS f_name, f.arn AS f_arn"
        " FROM lambda_url_configs u JOIN lambda_functions f ON f.function_id = u.function_id"
        " WHERE u.url_id = ?",
        (url_id,),
    )
    if row is None:
        return None
    return UrlTarget(_url_config(row), row["f_account_id"], row["f_region"], row["f_name"], row["f_arn"])


def insert_url_config(db: Database, url: UrlConfig) -> None:
    db.execute(
        "INSERT INTO lambda_url_configs (url_id, function_id, qualifier, config, created_at, last_modified)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            url.url_id,
            url.function_id,
            url.qualifier,
            json.dumps(url.config),
            url.created_at,
            url.last_modified,
        ),
    )


def update_url_config(db: Database, url: UrlConfig) -> None:
    db.execute(
        "UPDATE lambda_url_configs SET config = ?, last_modified = ? WHERE url_id = ?",
        (json.dumps(url.config), url.last_modified, url.url_id),
    )


def delete_url_config(db: Database, url_id: str) -> None:
    db.execute("DELETE FROM lambda_url_configs WHERE url_id = ?", (url_id,))
