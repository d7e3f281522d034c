"""DeleteParameter and DeleteParameters: a parameter goes with all its versions, labels and tags.
SsmProvider supplies `db`.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.ssm import names
from stratus.services.ssm.common import NOT_FOUND, ParameterNotFound
from stratus.services.ssm.store import delete_parameter, find_parameter
from stratus.store import Database


class DeleteOperations:
    def db(self) -> Database:
        raise NotImplementedError

    def delete_parameter(self, ctx: RequestContext, req: dict) -> dict:
        name = names.clean(req["Name"])
        names.check_writable_name(name)
        db = self.db()
        with db.transaction():
            parameter = find_parameter(db, ctx.account_id, ctx.region, name)
            if parameter is None:
                raise ParameterNotFound(NOT_FOUND)
            delete_parameter(db, parameter.parameter_id)
        return {}

    def delete_parameters(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        deleted: list[str] = []
        invalid: list[str] = []
        with db.transaction():
            for requested in dict.fromkeys(req["Names"]):
                name = names.clean(requested)
                try:
                    names.check_writable_name(name)
                except ServiceError:
                    invalid.append(requested)
                    continue
                parameter = find_parameter(db, ctx.account_id, ctx.region, name)
                if parameter is None:
                    invalid.append(requested)
                    continue
                delete_parameter(db, parameter.parameter_id)
                deleted.append(requested)
        return {"DeletedParameters": deleted, "InvalidParameters": invalid}
