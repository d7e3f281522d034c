"""TransactWriteItems and TransactGetItems: all or nothing, in one SQLite transaction.

Every action is checked first (ValidationException for the request as a whole); then, inside one
transaction, every condition is evaluated against the current items and, if any fails, the whole
transaction is cancelled with TransactionCanceledException and CancellationReasons in action
order; else all writes commit together. SQLite serializes writers, so two transactions on the same
items are never interleaved: where DynamoDB would answer TransactionConflictException to one of
two truly simultaneous requests, Stratus runs them one after the other.

A ClientRequestToken makes TransactWriteItems idempotent for 10 minutes: the same request again
changes nothing and succeeds; a different request with the same token is refused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from stratus.core.context import RequestContext
from stratus.services.dynamodb.capacity import Consumption, read_units, write_units
from stratus.services.dynamodb.common import (
    IdempotentParameterMismatchException,
    TransactionCanceledException,
    ValidationException,
)
from stratus.services.dynamodb.item_checks import checked_item, checked_key
from stratus.services.dynamodb.item_expressions import ItemExpressions
from stratus.services.dynamodb.item_size import item_size
from stratus.services.dynamodb.item_store import StoredKey, read_item, table_key, write_item
from stratus.services.dynamodb.table_store import Table, require_table
from stratus.services.dynamodb.throttle import WRITE, Throttle
from stratus.store import Database

MAX_ACTIONS = 100
TOKEN_SECONDS = 600
KINDS = ("ConditionCheck", "Put", "Delete", "Update")
SAME_ITEM = "Transaction request cannot include multiple operations on one item"


@dataclass(slots=True)
class _Action:
    kind: str
    table: Table
    name: str
    key: StoredKey
    key_item: dict
    item: dict | None  # Put's item
    expressions: ItemExpressions
    return_old_on_failure: bool


def _request_digest(req: dict) -> str:
    def default(value: object) -> str:
        return value.hex() if isinstance(value, bytes | bytearray) else str(value)

    shown = {name: value for name, value in req.items() if name != "ClientRequestToken"}
    return hashlib.sha256(json.dumps(shown, sort_keys=True, default=default).encode()).hexdigest()


def _cancelled(reasons: list[dict]) -> TransactionCanceledException:
    codes = ", ".join(reason["Code"] for reason in reasons)
    return TransactionCanceledException(
        f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
        CancellationReasons=reasons,
    )


class TransactionOperations:
    throttle: Throttle  # supplied by DynamoDbProvider

    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    def record_change(
        self, db: Database, table: Table, old: dict | None, new: dict | None, now: float
    ) -> None:
        raise NotImplementedError

    def _actions(self, ctx: RequestContext, db: Database, entries: list[dict]) -> list[_Action]:
        actions: list[_Action] = []
        seen: set[tuple[int, StoredKey]] = set()
        for entry in entries:
            kinds = [kind for kind in KINDS if entry.get(kind) is not None]
            if len(kinds) != 1:
                raise ValidationException(
                    "TransactItems can only contain one of Check, Put, Update or Delete"
                )  # wording guessed
            kind = kinds[0]
            body = entry[kind]
            table = require_table(ctx, db, body["TableName"])
            item = None
            if kind == "Put":
                item = checked_item(table, body["Item"])
                key_item = {name: item[name] for name in table.key_attribute_names}
            else:
                key_item = checked_key(table, body["Key"])
            if kind == "ConditionCheck" and not body.get("ConditionExpression"):
                raise ValidationException("The ConditionExpression must be specified for ConditionCheck")
            expressions = ItemExpressions.for_request(body, f"TransactWriteItems.{kind}")
            key = table_key(table, key_item)
            if (table.table_id, key) in seen:
                raise ValidationException(SAME_ITEM)
            seen.add((table.table_id, key))
            actions.append(
                _Action(
                    kind,
                    table,
                    body["TableName"],
                    key,
                    key_item,
                    item,
                    expressions,
                    body.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD",
                )
            )
        return actions

    def transact_write_items(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        entries = req["TransactItems"]
        if len(entries) > MAX_ACTIONS:
            raise ValidationException(
                f"Member must have length less than or equal to {MAX_ACTIONS}"
            )  # the model's own bound normally answers first
        token = req.get("ClientRequestToken")
        now = ctx.time.timestamp()
        actions = self._actions(ctx, db, entries)
        for action in actions:
            self.throttle.admit(db, action.table, WRITE)
        consumptions: dict[str, Consumption] = {}
        with db.transaction():
            if token is not None and self._replayed(ctx, db, token, req, now):
                return self._write_answer(req, actions, consumptions, replay=True)
            olds = [read_item(db, action.table, action.key) for action in actions]
            news: list[dict | None] = []
            reasons: list[dict] = []
            failed = False
            for action, old in zip(actions, olds, strict=True):
                reason: dict = {"Code": "None"}
                new = old
                try:
                    if not action.expressions.condition_holds(old):
                        reason = {
                            "Code": "ConditionalCheckFailed",
                            "Message": "The conditional request failed",
                        }
                        if action.return_old_on_failure and old is not None:
                            reason["Item"] = old
                    elif action.kind == "Put":
                        new = action.item
                    elif action.kind == "Delete":
                        new = None
                    elif action.kind == "Update":
                        new = checked_item(
                            action.table, action.expressions.apply_update(old, action.key_item), updated=True
                        )
                except ValidationException as error:
                    reason = {"Code": "ValidationError", "Message": error.message}
                failed = failed or reason["Code"] != "None"
                reasons.append(reason)
                news.append(new)
            if failed:
                raise _cancelled(reasons)
            for action, old, new in zip(actions, olds, news, strict=True):
                consumption = consumptions.setdefault(action.name, Consumption(action.name))
                if action.kind == "ConditionCheck":
                    consumption.table += read_units(
                        item_size(old) if old else 0, consistent=True, transactional=True
                    )
                    continue
                touched = write_item(db, action.table, action.key, new, old) if new != old else []
                if new != old:
                    self.record_change(db, action.table, old, new, now)
                size = max(item_size(old) if old else 0, item_size(new) if new else 0)
                consumption.table += write_units(size, transactional=True)
                for index, units in touched:
                    consumption.add_index(index.name, units * 2, is_global=index.is_global)
            if token is not None:
                db.execute(
                    "INSERT INTO ddb_transaction_tokens (account_id, region, token, digest, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (ctx.account_id, ctx.region, token, _request_digest(req), now),
                )
        tables = {action.name: action.table for action in actions}
        for name, consumption in consumptions.items():
            self.throttle.charge(db, tables[name], WRITE, consumption)
        return self._write_answer(req, actions, consumptions, replay=False)

    @staticmethod
    def _replayed(ctx: RequestContext, db: Database, token: str, req: dict, now: float) -> bool:
        db.execute("DELETE FROM ddb_transaction_tokens WHERE created_at < ?", (now - TOKEN_SECONDS,))
        row = db.query_one(
            "SELECT digest FROM ddb_transaction_tokens WHERE account_id = ? AND region = ? AND token = ?",
            (ctx.account_id, ctx.region, token),
        )
        if row is None:
            return False
        if row["digest"] != _request_digest(req):
            raise IdempotentParameterMismatchException(
                "The request uses the same client token as a previous, but non-identical request."
            )
        return True

    @staticmethod
    def _write_answer(req: dict, actions: list[_Action], consumptions: dict, *, replay: bool) -> dict:
        result: dict = {}
        mode = req.get("ReturnConsumedCapacity")
        if mode in ("TOTAL", "INDEXES"):
            if replay:  # a replay reads what it would have written
                for action in actions:
                    consumption = consumptions.setdefault(action.name, Consumption(action.name))
                    consumption.table += read_units(0, consistent=True, transactional=True)
            result["ConsumedCapacity"] = [consumption.answer(mode) for consumption in consumptions.values()]
        return result

    def transact_get_items(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        planned = []
        seen: set[tuple[int, StoredKey]] = set()
        for entry in req["TransactItems"]:
            get = entry["Get"]
            table = require_table(ctx, db, get["TableName"])
            key = table_key(table, checked_key(table, get["Key"]))
            if (table.table_id, key) in seen:
                raise ValidationException(SAME_ITEM)
            seen.add((table.table_id, key))
            planned.append(
                (table, get["TableName"], key, ItemExpressions.for_request(get, "TransactGetItems.Get"))
            )
        responses = []
        consumptions: dict[str, Consumption] = {}
        with db.transaction():  # one consistent snapshot of every item
            for table, name, key, expressions in planned:
                item = read_item(db, table, key)
                consumption = consumptions.setdefault(name, Consumption(name))
                consumption.table += read_units(
                    item_size(item) if item else 0, consistent=True, transactional=True
                )
                responses.append({"Item": expressions.project(item)} if item is not None else {})
        result: dict = {"Responses": responses}
        mode = req.get("ReturnConsumedCapacity")
        if mode in ("TOTAL", "INDEXES"):
            result["ConsumedCapacity"] = [consumption.answer(mode) for consumption in consumptions.values()]
        return result
