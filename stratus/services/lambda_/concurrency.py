"""Reserved concurrency (enforced by invoke.py) and GetAccountSettings."""

from __future__ import annotations

from dataclasses import replace

from stratus.core.context import RequestContext
from stratus.services.lambda_ import code_store
from stratus.services.lambda_.common import InvalidParameterValue
from stratus.services.lambda_.concurrency_limits import ConcurrencyLimits
from stratus.services.lambda_.function_store import account_usage, update_function
from stratus.services.lambda_.functions import find_latest
from stratus.services.lambda_.provisioned import provisioned_outside_reservations, provisioned_total
from stratus.store import Database

TOTAL_CODE_SIZE = 80 * 1024**3  # 75 GB of code per region


class ConcurrencyOperations:
    concurrency_limits: ConcurrencyLimits  # provided by LambdaProvider

    def db(self) -> Database:  # provided by LambdaProvider
        raise NotImplementedError

    def put_function_concurrency(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        function = find_latest(ctx, db, req["FunctionName"])
        wanted = req["ReservedConcurrentExecutions"]
        _, _, reserved = account_usage(db, ctx.account_id, ctx.region)
        others = reserved - (function.reserved_concurrency or 0)
        limits = self.concurrency_limits
        if limits.account - others - wanted < limits.min_unreserved:
            raise InvalidParameterValue(
                "Specified ReservedConcurrentExecutions for function decreases account's "
                f"UnreservedConcurrentExecution below its minimum value of [{limits.min_unreserved}]."
            )
        provisioned = provisioned_total(db, function.function_id)
        if wanted < provisioned:
            # Guessed wording: reserved concurrency must cover the function's provisioned concurrency.
            raise InvalidParameterValue(
                f"ReservedConcurrentExecutions {wanted} should not be lower than function's total provisioned "
                f"concurrency [{provisioned}]."
            )
        with db.transaction():
            update_function(db, replace(function, reserved_concurrency=wanted))
        return {"ReservedConcurrentExecutions": wanted}

    def get_function_concurrency(self, ctx: RequestContext, req: dict) -> dict:
        function = find_latest(ctx, self.db(), req["FunctionName"])
        if function.reserved_concurrency is None:
            return {}
        return {"ReservedConcurrentExecutions": function.reserved_concurrency}

    def delete_function_concurrency(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        function = find_latest(ctx, db, req["FunctionName"])
        with db.transaction():
            update_function(db, replace(function, reserved_concurrency=None))
        return {}

    def get_account_settings(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        count, code_size, reserved = account_usage(db, ctx.account_id, ctx.region)
        # Provisioned concurrency of functions without a reservation comes out of the unreserved pool.
        reserved += provisioned_outside_reservations(db, ctx.account_id, ctx.region)
        return {
            "AccountLimit": {
                "TotalCodeSize": TOTAL_CODE_SIZE,
                "CodeSizeUnzipped": code_store.MAX_UNZIPPED_BYTES,
                "CodeSizeZipped": code_store.MAX_ZIPPED_BYTES,
                "ConcurrentExecutions": self.concurrency_limits.account,
                "UnreservedConcurrentExecutions": self.concurrency_limits.account - reserved,
            },
            "AccountUsage": {"TotalCodeSize": code_size, "FunctionCount": count},
        }
