"""Publishing a version: an immutable copy of `$LATEST`'s code and configuration, numbered 1, 2, ...

Shared by PublishVersion and the `Publish` flag of CreateFunction/UpdateFunctionCode. Runs inside
the caller's transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from stratus.services.lambda_.function_store import Function, insert_version, newest_version
from stratus.store import Database

# Members that describe a version rather than its behaviour: a change to them alone publishes nothing.
_NOT_COMPARED = ("Description",)


def publish_latest(db: Database, latest: Function, description: str | None, now: float) -> Function:
    """The new version, or the newest one when `$LATEST` has not changed since it was published
    (Lambda publishes nothing then)."""
    newest = newest_version(db, latest)
    if newest is not None and _same(newest, latest):
        return newest
    config = dict(latest.config)
    if description is not None:
        config["Description"] = description
    version = replace(
        latest,
        version=str(latest.last_version + 1),
        config=config,
        revision_id=str(uuid.uuid4()),
        last_modified=now,
        created_at=now,
        last_version=latest.last_version + 1,
    )
    insert_version(db, version)
    return version


def _same(version: Function, latest: Function) -> bool:
    if version.code_sha256 != latest.code_sha256:
        return False
    ignored = set(_NOT_COMPARED)
    mine = {key: value for key, value in version.config.items() if key not in ignored}
    theirs = {key: value for key, value in latest.config.items() if key not in ignored}
    return mine == theirs
