"""PartiQL: ExecuteStatement, BatchExecuteStatement, ExecuteTransaction.

Each statement is parsed (partiql_parser), turned into the request of the item operation DynamoDB
runs for it (partiql_statements), and run through the provider's own operation: a SELECT is a
Query or a Scan (filtered and projected here, as PartiQL shows results), INSERT/UPDATE/DELETE are
PutItem/UpdateItem/DeleteItem, a batch of reads is GetItems, a transaction is TransactGetItems or
TransactWriteItems. Conditions, index upkeep, streams and capacity are therefore theirs.

A batch is not atomic: each statement answers its own result or `Error` (HTTP 200 either way); a
transaction is all or nothing. Either holds reads only or writes only.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.dynamodb.common import (
    ConditionalCheckFailedException,
    ResourceNotFoundException,
    TransactionCanceledException,
    ValidationException,
)
from stratus.services.dynamodb.expressions import evaluate_condition
from stratus.services.dynamodb.item_store import table_key
from stratus.services.dynamodb.partiql_ast import Exists, Parsed, Select
from stratus.services.dynamodb.partiql_parser import parse_statement
from stratus.services.dynamodb.partiql_statements import (
    EXISTS_OUTSIDE_TRANSACTION,
    WriteRequest,
    check_parameter_count,
    next_token,
    order_forward,
    read_filter,
    read_keys,
    single_item_key,
    start_key,
    write_request,
)
from stratus.services.dynamodb.partiql_translation import project, query_plan
from stratus.services.dynamodb.partiql_values import normalized_parameters
from stratus.services.dynamodb.table_store import require_table

DUPLICATE_ITEM = "Duplicate primary key exists in table"
MIXED_BATCH = "Read and write requests together in the same batch is not supported."
MIXED_TRANSACTION = (
    "ExecuteTransaction API does not support both read and write operations in the same request."
)
SINGLE_ITEM_SELECT = "Only single item select is supported"
TRANSACTION_SELECT = (
    "Select statements within ExecuteTransaction must specify the primary key in the where clause."
)
DUPLICATE_KEYS = "Provided list of item keys contains duplicates"
# A statement's own failure inside a batch, as BatchStatementError codes name it.
BATCH_CODES = {
    "ValidationException": "ValidationError",
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "DuplicateItemException": "DuplicateItem",
    "ResourceNotFoundException": "ResourceNotFound",
    "ItemCollectionSizeLimitExceededException": "ItemCollectionSizeLimitExceeded",
    "ProvisionedThroughputExceededException": "ProvisionedThroughputExceeded",
    "TransactionConflictException": "TransactionConflict",
}


class DuplicateItemException(ServiceError):
    code = "DuplicateItemException"
    status = 400


def _is_read(statement: object) -> bool:
    return isinstance(statement, Select)


def _table_of(statement: object) -> str:
    return statement.select.table if isinstance(statement, Exists) else statement.table  # type: ignore[attr-defined]


def _batch_error(error: ServiceError, table_name: str | None) -> dict:
    code = BATCH_CODES.get(error.code)
    if code is None:
        raise error
    shown: dict = {"Code": code, "Message": error.message}
    if "Item" in error.fields:
        shown["Item"] = error.fields["Item"]
    answer: dict = {"Error": shown}
    if table_name is not None:
        answer["TableName"] = table_name
    return answer


def _add_capacity(totals: dict[str, dict], consumed: dict | None) -> None:
    """Sum one operation's ConsumedCapacity into per-table totals."""
    if consumed is None:
        return

    def add(into: dict, part: dict) -> None:
        for name, value in part.items():
            if isinstance(value, dict):
                add(into.setdefault(name, {}), value)
            elif isinstance(value, int | float):
                into[name] = into.get(name, 0.0) + value
            else:
                into[name] = value

    add(totals.setdefault(consumed["TableName"], {}), consumed)


def _cancelled_again(error: TransactionCanceledException, inserts: set[int]) -> TransactionCanceledException:
    """The transaction's cancellation with each INSERT that met an existing item named so."""
    reasons = []
    for position, reason in enumerate(error.fields.get("CancellationReasons") or ()):
        if position in inserts and reason.get("Code") == "ConditionalCheckFailed":
            # wording guessed: DynamoDB Local answers ValidationError here; the code is the batch's
            reason = {"Code": "DuplicateItem", "Message": DUPLICATE_ITEM}
        reasons.append(reason)
    codes = ", ".join(reason["Code"] for reason in reasons)
    return TransactionCanceledException(
        f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
        CancellationReasons=reasons,
    )


class PartiqlOperations:
    """Mixed into DynamoDbProvider, whose item, read and transaction operations it calls."""

    # -- ExecuteStatement ------------------------------------------------------------------------

    def execute_statement(self, ctx: RequestContext, req: dict) -> dict:
        parsed, parameters = self._partiql_parsed(req)
        statement = parsed.statement
        if isinstance(statement, Exists):
            raise ValidationException(EXISTS_OUTSIDE_TRANSACTION)
        if isinstance(statement, Select):
            return self._partiql_select(ctx, statement, parameters, req)
        table = require_table(ctx, self.db(), statement.table)
        write = write_request(table, statement, parameters)
        result = self._partiql_write(ctx, write, req.get("ReturnValuesOnConditionCheckFailure"), req)
        answer: dict = {"Items": [result["Attributes"]] if "Attributes" in result else []}
        if "ConsumedCapacity" in result:
            answer["ConsumedCapacity"] = result["ConsumedCapacity"]
        return answer

    @staticmethod
    def _partiql_parsed(entry: dict) -> tuple[Parsed, list[dict]]:
        parsed = parse_statement(entry["Statement"])
        parameters = normalized_parameters(entry.get("Parameters"))
        check_parameter_count(parsed.parameter_count, parameters)
        return parsed, parameters

    def _partiql_select(self, ctx: RequestContext, select: Select, parameters: list[dict], req: dict) -> dict:
        table = require_table(ctx, self.db(), select.table)
        keys = read_keys(table, select)
        condition = read_filter(select, parameters)
        plan = query_plan(table, keys, select.where, parameters)
        forward = order_forward(select, keys, plan is not None)
        read: dict = {"TableName": select.table, "ReturnConsumedCapacity": req.get("ReturnConsumedCapacity")}
        if req.get("ConsistentRead"):
            read["ConsistentRead"] = True
        if select.index is not None:
            read["IndexName"] = select.index
        if req.get("Limit") is not None:
            read["Limit"] = req["Limit"]
        exclusive_start = start_key(req.get("NextToken"), req["Statement"], parameters)
        if exclusive_start is not None:
            read["ExclusiveStartKey"] = exclusive_start
        if plan is None:
            page = self.scan(ctx, read)
        else:
            page = self.query(
                ctx,
                {
                    **read,
                    "KeyConditionExpression": plan.key_condition,
                    **plan.members,
                    "ScanIndexForward": forward,
                },
            )
        items = [
            project(item, select.projection)
            for item in page.get("Items", ())
            if condition is None or evaluate_condition(condition, item)
        ]
        answer: dict = {"Items": items}
        if page.get("LastEvaluatedKey"):
            answer["NextToken"] = next_token(req["Statement"], parameters, page["LastEvaluatedKey"])
            answer["LastEvaluatedKey"] = page["LastEvaluatedKey"]
        if "ConsumedCapacity" in page:
            answer["ConsumedCapacity"] = page["ConsumedCapacity"]
        return answer

    def _partiql_write(
        self, ctx: RequestContext, write: WriteRequest, on_failure: str | None, req: dict
    ) -> dict:
        body = {**write.body, "ReturnConsumedCapacity": req.get("ReturnConsumedCapacity")}
        if on_failure is not None:
            body["ReturnValuesOnConditionCheckFailure"] = on_failure
        if write.kind == "Put":
            try:
                return self.put_item(ctx, body)
            except ConditionalCheckFailedException:
                raise DuplicateItemException(DUPLICATE_ITEM) from None
        if write.returning is not None:
            body["ReturnValues"] = write.returning
        if write.kind == "Update":
            return self.update_item(ctx, body)
        return self.delete_item(ctx, body)

    # -- BatchExecuteStatement -------------------------------------------------------------------

    def batch_execute_statement(self, ctx: RequestContext, req: dict) -> dict:
        entries = req["Statements"]
        parsed: list[tuple[Parsed, list[dict]] | ServiceError] = []
        reads: bool | None = None
        for entry in entries:
            try:
                found = self._partiql_parsed(entry)
                if isinstance(found[0].statement, Exists):
                    raise ValidationException(EXISTS_OUTSIDE_TRANSACTION)
            except ValidationException as error:
                parsed.append(error)
                continue
            is_read = _is_read(found[0].statement)
            if reads is None:
                reads = is_read
            elif reads != is_read:
                raise ValidationException(MIXED_BATCH)
            parsed.append(found)
        totals: dict[str, dict] = {}
        if reads:
            responses = [
                self._partiql_batch_read(ctx, entry, found, totals, req)
                for entry, found in zip(entries, parsed, strict=True)
            ]
        else:
            responses = self._partiql_batch_writes(ctx, entries, parsed, totals, req)
        answer: dict = {"Responses": responses}
        if req.get("ReturnConsumedCapacity") in ("TOTAL", "INDEXES"):
            answer["ConsumedCapacity"] = list(totals.values())
        return answer

    def _partiql_batch_read(self, ctx: RequestContext, entry: dict, found, totals: dict, req: dict) -> dict:
        if isinstance(found, ServiceError):
            return _batch_error(found, None)
        select: Select = found[0].statement
        parameters = found[1]
        try:
            table = require_table(ctx, self.db(), select.table)
            key = single_item_key(table, select, parameters) if select.index is None else None
            if key is None:
                raise ValidationException(SINGLE_ITEM_SELECT)
        except (ValidationException, ResourceNotFoundException) as error:
            return _batch_error(error, None)
        read = {
            "TableName": select.table,
            "Key": key,
            "ReturnConsumedCapacity": req.get("ReturnConsumedCapacity"),
        }
        if entry.get("ConsistentRead"):
            read["ConsistentRead"] = True
        result = self.get_item(ctx, read)
        _add_capacity(totals, result.get("ConsumedCapacity"))
        answer: dict = {"TableName": select.table}
        if "Item" in result:
            answer["Item"] = project(result["Item"], select.projection)
        return answer

    def _partiql_batch_writes(
        self, ctx: RequestContext, entries: list[dict], parsed: list, totals: dict, req: dict
    ) -> list:
        planned: list[WriteRequest | dict] = []
        seen: set = set()
        for found in parsed:
            if isinstance(found, ServiceError):
                planned.append(_batch_error(found, None))
                continue
            try:
                table = require_table(ctx, self.db(), found[0].statement.table)
                write = write_request(table, found[0].statement, found[1])
            except (ValidationException, ResourceNotFoundException) as error:
                planned.append(_batch_error(error, None))
                continue
            identity = (table.table_id, table_key(table, write.body.get("Item") or write.body["Key"]))
            if identity in seen:
                raise ValidationException(DUPLICATE_KEYS)
            seen.add(identity)
            planned.append(write)
        responses = []
        for entry, write in zip(entries, planned, strict=True):
            if isinstance(write, dict):
                responses.append(write)
                continue
            name = write.body["TableName"]
            try:
                result = self._partiql_write(
                    ctx, write, entry.get("ReturnValuesOnConditionCheckFailure"), req
                )
            except ServiceError as error:
                responses.append(_batch_error(error, name))
                continue
            _add_capacity(totals, result.get("ConsumedCapacity"))
            answer: dict = {"TableName": name}
            if "Attributes" in result:
                answer["Item"] = result["Attributes"]
            responses.append(answer)
        return responses

    # -- ExecuteTransaction ----------------------------------------------------------------------

    def execute_transaction(self, ctx: RequestContext, req: dict) -> dict:
        entries = req["TransactStatements"]
        statements = [parse_statement(entry["Statement"]) for entry in entries]
        kinds = {_is_read(parsed.statement) for parsed in statements}
        if len(kinds) > 1:
            raise ValidationException(MIXED_TRANSACTION)
        if kinds == {True}:
            return self._partiql_transact_reads(ctx, entries, statements, req)
        return self._partiql_transact_writes(ctx, entries, statements, req)

    def _partiql_translated(
        self, ctx: RequestContext, entries: list[dict], statements: list[Parsed], translate
    ) -> list:
        """Each statement translated by `translate(table, statement, parameters)`, its failure
        reported as DynamoDB reports a transaction member's."""
        found = []
        for position, (entry, parsed) in enumerate(zip(entries, statements, strict=True)):
            table = require_table(ctx, self.db(), _table_of(parsed.statement))
            try:
                parameters = normalized_parameters(entry.get("Parameters"))
                check_parameter_count(parsed.parameter_count, parameters)
                found.append(translate(table, parsed.statement, parameters))
            except ValidationException as error:
                if error.message.startswith(("Key attribute should be present", "Key attribute's data type")):
                    reasons = [{"Code": "None"} for _ in entries]
                    reasons[position] = {"Code": "ValidationError", "Message": error.message}
                    codes = ", ".join(reason["Code"] for reason in reasons)
                    raise TransactionCanceledException(
                        f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
                        CancellationReasons=reasons,
                    ) from None
                raise ValidationException(
                    f"Validation failed in TransactStatements[{position}]: {error.message}"
                ) from None
        return found

    def _partiql_transact_reads(
        self, ctx: RequestContext, entries: list[dict], statements: list[Parsed], req: dict
    ) -> dict:
        def translate(table, select: Select, parameters: list[dict]) -> dict:
            if select.index is not None:
                raise ValidationException("Reads on indices are not supported within transactions.")
            key = single_item_key(table, select, parameters)
            if key is None:
                raise ValidationException(TRANSACTION_SELECT)
            return {"Get": {"TableName": select.table, "Key": key}}

        gets = self._partiql_translated(ctx, entries, statements, translate)
        read: dict = {"TransactItems": gets}
        if req.get("ReturnConsumedCapacity") is not None:
            read["ReturnConsumedCapacity"] = req["ReturnConsumedCapacity"]
        result = self.transact_get_items(ctx, read)
        responses = []
        for parsed, response in zip(statements, result["Responses"], strict=True):
            shown = (
                {"Item": project(response["Item"], parsed.statement.projection)} if "Item" in response else {}
            )
            responses.append(shown)
        answer: dict = {"Responses": responses}
        if "ConsumedCapacity" in result:
            answer["ConsumedCapacity"] = result["ConsumedCapacity"]
        return answer

    def _partiql_transact_writes(
        self, ctx: RequestContext, entries: list[dict], statements: list[Parsed], req: dict
    ) -> dict:
        def translate(table, statement: object, parameters: list[dict]) -> WriteRequest:
            write = write_request(table, statement, parameters)
            if write.returning is not None:
                raise ValidationException("RETURNING clause is not supported in ExecuteTransaction.")
            return write

        writes: list[WriteRequest] = self._partiql_translated(ctx, entries, statements, translate)
        items = []
        for entry, write in zip(entries, writes, strict=True):
            body = dict(write.body)
            if entry.get("ReturnValuesOnConditionCheckFailure") is not None:
                body["ReturnValuesOnConditionCheckFailure"] = entry["ReturnValuesOnConditionCheckFailure"]
            items.append({write.kind: body})
        request: dict = {"TransactItems": items}
        for member in ("ClientRequestToken", "ReturnConsumedCapacity"):
            if req.get(member) is not None:
                request[member] = req[member]
        inserts = {position for position, write in enumerate(writes) if write.kind == "Put"}
        try:
            result = self.transact_write_items(ctx, request)
        except TransactionCanceledException as error:
            raise _cancelled_again(error, inserts) from None
        return {"ConsumedCapacity": result["ConsumedCapacity"]} if "ConsumedCapacity" in result else {}
