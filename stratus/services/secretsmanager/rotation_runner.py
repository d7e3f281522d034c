"""Running a rotation: the outbox handler that invokes the rotation function for each step.

Secrets Manager invokes the function synchronously, as secretsmanager.amazonaws.com with the secret
as source ARN, once per step (createSecret, setSecret, testSecret, finishSecret), with the event
{"Step", "SecretId" (the ARN), "ClientRequestToken" (the pending version), "RotationToken"}. A step
that fails (the function raised, or could not be invoked) ends that attempt: AWSPENDING stays on
the pending version, a RotationFailed event is recorded, and the outbox retries the whole rotation
later, as AWS retries it; after the last attempt the rotation is given up (the next RotateSecret or
scheduled rotation takes the pending version up again). A rotation succeeds when finishSecret has
made the pending version AWSCURRENT: LastRotatedDate is set and the next rotation is scheduled.

The events (RotationStarted, RotationSucceeded, RotationFailed, as AWS records them in CloudTrail)
go to the request log.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import TYPE_CHECKING

from stratus.auth.credentials import Principal
from stratus.core.internal_client import InternalClient
from stratus.core.request_log import RequestRecord
from stratus.protocol.errors import ServiceError
from stratus.services.secretsmanager.common import AWSCURRENT, AWSPENDING, SECRETS_MANAGER_PRINCIPAL, Secret
from stratus.services.secretsmanager.replica_sync import mirror
from stratus.services.secretsmanager.store import (
    delete_version,
    find_by_id,
    stages_of,
    update_secret,
    write_stages,
)
from stratus.services.secretsmanager.writes import rescheduled
from stratus.store import Database

if TYPE_CHECKING:
    from stratus.runtime import Runtime

log = logging.getLogger("stratus.secretsmanager")

STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
TEST_ONLY = ("testSecret",)
MAX_ATTEMPTS = 3
RETRY_DELAY = 300.0  # seconds of Stratus clock time before the rotation is tried again


class RotationFailed(Exception):
    """One attempt of a rotation failed; the outbox tries the rotation again later."""


class RotationRunner:
    def __init__(self, runtime: Runtime, db_factory) -> None:
        self.runtime = runtime
        self._db_factory = db_factory

    @property
    def db(self) -> Database:
        return self._db_factory()

    def register(self, kind: str) -> None:
        self.runtime.outbox.register(
            kind,
            self.run,
            max_attempts=MAX_ATTEMPTS,
            base_delay=RETRY_DELAY,
            max_delay=RETRY_DELAY * 4,
            jitter=0.0,
            on_give_up=self.give_up,
        )

    def _current(self, payload: dict):
        """The rotation row, if this rotation is still the one in flight (not cancelled, not replaced)."""
        row = self.db.query_one("SELECT * FROM sm_rotations WHERE secret_id = ?", (payload["secret_id"],))
        if row is None or row["rotation_token"] != payload["rotation_token"]:
            return None
        return row

    async def run(self, payload: dict) -> None:
        row = self._current(payload)
        if row is None:
            return
        secret = find_by_id(self.db, payload["secret_id"])
        if secret is None or secret.scheduled_for_deletion:
            self._forget(payload)
            return
        steps = STEPS if row["immediately"] else TEST_ONLY
        self._event(secret, "RotationStarted")
        for step in steps:
            if self._current(payload) is None:
                return  # cancelled meanwhile (CancelRotateSecret)
            failure = await self._invoke(secret, row, step)
            if failure is not None:
                self._event(secret, "RotationFailed", failure)
                raise RotationFailed(f"{step}: {failure}")
        if row["immediately"]:
            self._finish(secret, payload)
        else:
            self._drop_test_version(secret, payload)

    async def _invoke(self, secret: Secret, row, step: str) -> str | None:
        """Run one step; the failure's description, or None when the step succeeded."""
        event = {
            "Step": step,
            "SecretId": secret.arn,
            "ClientRequestToken": row["version_id"],
            "RotationToken": row["rotation_token"],
        }
        client = rotation_function_client(self.runtime, secret)
        try:
            answer = await client.call(
                "Invoke",
                {
                    "FunctionName": row["lambda_arn"],
                    "InvocationType": "RequestResponse",
                    "Payload": json.dumps(event).encode(),
                },
            )
        except ServiceError as error:
            return f"{error.code}: {error.message}"
        if answer.get("FunctionError"):
            return _function_error(answer.get("Payload"))
        return None

    def _finish(self, secret: Secret, payload: dict) -> None:
        db = self.db
        at = self.runtime.clock.time()
        with db.transaction():
            if self._current(payload) is None:
                return
            stages = stages_of(db, secret.secret_id)
            if stages.get(AWSCURRENT) != payload["version_id"]:
                failure = "finishSecret did not make the pending version AWSCURRENT"
                self._event(secret, "RotationFailed", failure)
                raise RotationFailed(failure)
            db.execute("DELETE FROM sm_rotations WHERE secret_id = ?", (secret.secret_id,))
            current = find_by_id(db, secret.secret_id)
            assert current is not None
            changes = {"last_rotated_at": at, "last_changed_at": at}
            if current.rotation_enabled:
                changes.update(rescheduled(current, at))
            update_secret(db, secret.secret_id, **changes)
            mirror(db, secret.secret_id)
        self._event(secret, "RotationSucceeded")

    def _drop_test_version(self, secret: Secret, payload: dict) -> None:
        """RotateImmediately=false: the version made for testSecret is removed again."""
        db = self.db
        with db.transaction():
            if self._current(payload) is None:
                return
            db.execute("DELETE FROM sm_rotations WHERE secret_id = ?", (secret.secret_id,))
            stages = stages_of(db, secret.secret_id)
            version_id = payload["version_id"]
            if stages.get(AWSPENDING) == version_id:
                del stages[AWSPENDING]
                write_stages(db, secret.secret_id, stages)
            if version_id not in stages.values():
                delete_version(db, secret.secret_id, version_id)
            mirror(db, secret.secret_id)

    async def give_up(self, payload: dict, error: BaseException) -> None:
        """The last attempt failed: the rotation is no longer in flight; AWSPENDING stays, and the
        next rotation window opens as scheduled from now."""
        db = self.db
        with db.transaction():
            if self._current(payload) is None:
                return
            db.execute("DELETE FROM sm_rotations WHERE secret_id = ?", (payload["secret_id"],))
            secret = find_by_id(db, payload["secret_id"])
            if secret is not None and secret.rotation_enabled:
                update_secret(db, secret.secret_id, **rescheduled(secret, self.runtime.clock.time()))
                mirror(db, secret.secret_id)
        log.warning("rotation of secret %s abandoned: %s", payload["secret_id"], error)

    def _forget(self, payload: dict) -> None:
        db = self.db
        with db.transaction():
            db.execute("DELETE FROM sm_rotations WHERE secret_id = ?", (payload["secret_id"],))

    def _event(self, secret: Secret, name: str, failure: str | None = None) -> None:
        self.runtime.request_log.record(
            RequestRecord(
                time=self.runtime.clock.time(),
                account_id=secret.account_id,
                region=secret.region,
                service="secretsmanager",
                operation=name,
                principal=SECRETS_MANAGER_PRINCIPAL,
                status=400 if failure else 200,
                error_code=failure[:200] if failure else None,
                latency_ms=0.0,
                request_id=str(uuid.uuid4()),
                source_ip=None,
                internal=True,
            )
        )


def rotation_function_client(runtime: Runtime, secret: Secret) -> InternalClient:
    """Lambda, called as Secrets Manager on the secret's behalf (the function's policy decides)."""
    return InternalClient(
        runtime,
        "lambda",
        Principal.service(secret.account_id, SECRETS_MANAGER_PRINCIPAL),
        region=secret.region,
        account_id=secret.account_id,
        source_arn=secret.arn,
    )


def _function_error(payload: object) -> str:
    """A function error's type and message, from the error document Lambda answered."""
    raw = payload.read() if hasattr(payload, "read") else payload
    try:
        document = json.loads(bytes(raw or b"").decode("utf-8", errors="replace"))
    except ValueError:
        return "the rotation function failed"
    if isinstance(document, dict):
        kind = document.get("errorType") or "Error"
        return f"{kind}: {document.get('errorMessage', '')}".strip()
    return "the rotation function failed"
