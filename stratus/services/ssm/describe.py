"""DescribeParameters: the metadata of the account's parameters (never their values), filtered and
paged in name order. A single Path filter value is read as an index range; every other filter is
applied to the parameters read. SsmProvider supplies `db`.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.ssm.common import Parameter, ValidationException
from stratus.services.ssm.filters import (
    BOTH_KINDS,
    StringFilter,
    matches,
    parse_filters,
    parse_legacy_filters,
)
from stratus.services.ssm.output import metadata_output
from stratus.services.ssm.paging import decode_token, encode_token
from stratus.services.ssm.store import SCAN_CHUNK, parameters_in_order
from stratus.services.ssm.tags import read_tags
from stratus.store import Database

DEFAULT_RESULTS = 10


def _path_range(filters: list[StringFilter]) -> tuple[str | None, bool]:
    """The one path the filters confine the listing to, if they name exactly one."""
    for item in filters:
        if item.key == "Path" and len(item.values) == 1:
            return item.values[0], item.option == "Recursive"
    return None, False


class DescribeOperations:
    def db(self) -> Database:
        raise NotImplementedError

    def describe_parameters(self, ctx: RequestContext, req: dict) -> dict:
        if req.get("Filters") and req.get("ParameterFilters"):
            raise ValidationException(BOTH_KINDS)
        if req.get("Filters"):
            filters = parse_legacy_filters(req["Filters"])
        else:
            filters = parse_filters(req.get("ParameterFilters"), by_path=False)
        limit = req.get("MaxResults") or DEFAULT_RESULTS
        position = decode_token(req.get("NextToken"), "after")
        if req.get("Shared"):
            return {"Parameters": []}  # shared parameters come from other accounts through RAM: none here
        db = self.db()
        path, recursive = _path_range(filters)
        page: list[Parameter] = []
        after = position["after"] if position else None
        # Without filters a page is exactly the next limit + 1 rows of the index.
        chunk = limit + 1 if not filters else SCAN_CHUNK
        for parameter in parameters_in_order(
            db, ctx.account_id, ctx.region, after, path=path, recursive=recursive, chunk=chunk
        ):
            if not matches(parameter, filters, lambda p=parameter: read_tags(db, p.parameter_id)):
                continue
            if len(page) == limit:
                return {
                    "Parameters": [metadata_output(item) for item in page],
                    "NextToken": encode_token({"after": page[-1].name}),
                }
            page.append(parameter)
        return {"Parameters": [metadata_output(item) for item in page]}
