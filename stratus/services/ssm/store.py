"""Parameters, their versions and labels in the ssm database (see schema.py): queries only."""

from __future__ import annotations

from collections.abc import Iterator

from stratus.services.ssm.common import Parameter, ParameterVersion
from stratus.services.ssm.names import ROOT, parent_of
from stratus.store import Database, Row

SCAN_CHUNK = 200
_VERSION_COLUMNS = (
    "type, tier, data_type, value, description, allowed_pattern, key_id, policies, modified, modified_user"
)


def _allocate(db: Database, sequence: str) -> int:
    row = db.query_one(
        "INSERT INTO ssm_sequences (name, last) VALUES (?, 1) "
        "ON CONFLICT (name) DO UPDATE SET last = ssm_sequences.last + 1 RETURNING last",
        (sequence,),
    )
    return row["last"]


def _version_from_row(name: str, row: Row) -> ParameterVersion:
    return ParameterVersion(
        name=name,
        version=row["version"],
        type=row["type"],
        value=row["value"],
        tier=row["tier"],
        data_type=row["data_type"],
        description=row["description"],
        allowed_pattern=row["allowed_pattern"],
        key_id=row["key_id"],
        policies=row["policies"],
        modified=row["modified"],
        modified_user=row["modified_user"],
    )


def parameter_from_row(row: Row) -> Parameter:
    return Parameter(
        parameter_id=row["parameter_id"],
        account_id=row["account_id"],
        region=row["region"],
        latest=_version_from_row(row["name"], row),
        expires_at=row["expires_at"],
    )


def find_parameter(db: Database, account_id: str, region: str, name: str) -> Parameter | None:
    row = db.query_one(
        "SELECT * FROM ssm_parameters WHERE account_id = ? AND region = ? AND name = ?",
        (account_id, region, name),
    )
    return parameter_from_row(row) if row is not None else None


def _version_values(version: ParameterVersion) -> tuple:
    return (
        version.type,
        version.tier,
        version.data_type,
        version.value,
        version.description,
        version.allowed_pattern,
        version.key_id,
        version.policies,
        version.modified,
        version.modified_user,
    )


def insert_parameter(
    db: Database, account_id: str, region: str, latest: ParameterVersion, expires_at: float | None
) -> int:
    """Add a parameter with its first version (the caller checked the name is free); returns its id."""
    parameter_id = _allocate(db, "parameter")
    db.execute(
        "INSERT INTO ssm_parameters (parameter_id, account_id, region, name, parent, version, "
        f"{_VERSION_COLUMNS}, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            parameter_id,
            account_id,
            region,
            latest.name,
            parent_of(latest.name),
            latest.version,
            *_version_values(latest),
            expires_at,
        ),
    )
    _insert_version(db, parameter_id, latest)
    return parameter_id


def add_version(db: Database, parameter_id: int, latest: ParameterVersion, expires_at: float | None) -> None:
    """Make `latest` the parameter's newest version."""
    db.execute(
        "UPDATE ssm_parameters SET version = ?, type = ?, tier = ?, data_type = ?, value = ?, "
        "description = ?, allowed_pattern = ?, key_id = ?, policies = ?, modified = ?, modified_user = ?, "
        "expires_at = ? WHERE parameter_id = ?",
        (latest.version, *_version_values(latest), expires_at, parameter_id),
    )
    _insert_version(db, parameter_id, latest)


def _insert_version(db: Database, parameter_id: int, version: ParameterVersion) -> None:
    db.execute(
        f"INSERT INTO ssm_versions (parameter_id, version, {_VERSION_COLUMNS}) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (parameter_id, version.version, *_version_values(version)),
    )


def find_version(db: Database, parameter: Parameter, version: int) -> ParameterVersion | None:
    row = db.query_one(
        "SELECT * FROM ssm_versions WHERE parameter_id = ? AND version = ?", (parameter.parameter_id, version)
    )
    return _version_from_row(parameter.name, row) if row is not None else None


def versions_after(db: Database, parameter: Parameter, after: int, limit: int) -> list[ParameterVersion]:
    rows = db.query(
        "SELECT * FROM ssm_versions WHERE parameter_id = ? AND version > ? ORDER BY version LIMIT ?",
        (parameter.parameter_id, after, limit),
    )
    return [_version_from_row(parameter.name, row) for row in rows]


def version_span(db: Database, parameter_id: int) -> tuple[int, int]:
    """(how many versions the parameter keeps, its oldest version number)."""
    row = db.query_one(
        "SELECT COUNT(*) AS kept, MIN(version) AS oldest FROM ssm_versions WHERE parameter_id = ?",
        (parameter_id,),
    )
    return row["kept"], row["oldest"]


def delete_version(db: Database, parameter_id: int, version: int) -> None:
    db.execute("DELETE FROM ssm_versions WHERE parameter_id = ? AND version = ?", (parameter_id, version))


def delete_parameter(db: Database, parameter_id: int) -> None:
    for table in ("ssm_parameters", "ssm_versions", "ssm_labels", "ssm_tags"):
        db.execute(f"DELETE FROM {table} WHERE parameter_id = ?", (parameter_id,))


def count_in_tier(db: Database, account_id: str, region: str, tier: str) -> int:
    row = db.query_one(
        "SELECT COUNT(*) AS n FROM ssm_parameters WHERE account_id = ? AND region = ? AND tier = ?",
        (account_id, region, tier),
    )
    return row["n"]


def parameters_in_order(
    db: Database,
    account_id: str,
    region: str,
    after: str | None,
    *,
    path: str | None,
    recursive: bool,
    chunk: int = SCAN_CHUNK,
) -> Iterator[Parameter]:
    """The account's parameters in name order after `after`, read `chunk` rows at a time; with `path`,
    only those below it (one level, or all levels when recursive), each a range of an index."""
    while True:
        sql = "SELECT * FROM ssm_parameters WHERE account_id = ? AND region = ?"
        params: list = [account_id, region]
        if path is not None and not recursive:
            sql += " AND parent = ?"
            params.append(path)
        elif path is not None and path != ROOT:
            sql += " AND name >= ? AND name < ?"
            params += [path + "/", path + "0"]  # "0" is the character after "/"
        if after is not None:
            sql += " AND name > ?"
            params.append(after)
        rows = db.query(sql + " ORDER BY name LIMIT ?", (*params, chunk))
        for row in rows:
            yield parameter_from_row(row)
        if len(rows) < chunk:
            return
        after = rows[-1]["name"]


# -- labels ---------------------------------------------------------------------------------------


def labels_by_version(db: Database, parameter_id: int) -> dict[int, list[str]]:
    rows = db.query(
        "SELECT label, version FROM ssm_labels WHERE parameter_id = ? ORDER BY label", (parameter_id,)
    )
    labels: dict[int, list[str]] = {}
    for row in rows:
        labels.setdefault(row["version"], []).append(row["label"])
    return labels


def labels_of_version(db: Database, parameter_id: int, version: int) -> list[str]:
    rows = db.query(
        "SELECT label FROM ssm_labels WHERE parameter_id = ? AND version = ? ORDER BY label",
        (parameter_id, version),
    )
    return [row["label"] for row in rows]


def version_labelled(db: Database, parameter_id: int, label: str) -> int | None:
    row = db.query_one(
        "SELECT version FROM ssm_labels WHERE parameter_id = ? AND label = ?", (parameter_id, label)
    )
    return row["version"] if row is not None else None


def set_labels(db: Database, parameter_id: int, version: int, labels: list[str]) -> None:
    """Attach labels to a version, moving any of them off the version that had it."""
    db.executemany(
        "INSERT INTO ssm_labels (parameter_id, label, version) VALUES (?, ?, ?) "
        "ON CONFLICT (parameter_id, label) DO UPDATE SET version = excluded.version",
        [(parameter_id, label, version) for label in labels],
    )


def remove_labels(db: Database, parameter_id: int, version: int, labels: list[str]) -> None:
    db.executemany(
        "DELETE FROM ssm_labels WHERE parameter_id = ? AND version = ? AND label = ?",
        [(parameter_id, version, label) for label in labels],
    )


# -- expiry ---------------------------------------------------------------------------------------


def expired_parameter_ids(db: Database, now: float, limit: int) -> list[int]:
    rows = db.query(
        "SELECT parameter_id FROM ssm_parameters WHERE expires_at IS NOT NULL AND expires_at <= ? "
        "ORDER BY expires_at LIMIT ?",
        (now, limit),
    )
    return [row["parameter_id"] for row in rows]
