"""One page of a Query or Scan: rows read in key order until the Limit or 1 MB of items read,
each kept or dropped by the filter, LastEvaluatedKey at the last row read.

As in DynamoDB, Limit counts items read (before the filter), the 1 MB is the size of the items
read, and a page that stopped at its Limit (or its megabyte) names a LastEvaluatedKey even when no
item follows: the next request then answers an empty page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from stratus.services.dynamodb import item_json
from stratus.services.dynamodb.query_store import Row

PAGE_BYTES = 1024 * 1024


@dataclass(slots=True)
class Page:
    items: list[dict] = field(default_factory=list)
    count: int = 0  # items kept by the filter
    scanned: int = 0  # items read
    read_bytes: int = 0
    last_key: dict | None = None


def read_page(
    rows: Iterable[Row],
    *,
    limit: int | None,
    key_names: tuple[str, ...],
    keep: Callable[[dict], bool] | None,
    shape: Callable[[dict], dict] | None,
    collect: bool = True,
) -> Page:
    """Read `rows` into a page. `keep` is the filter, `shape` the projection; with `collect`
    False (Select=COUNT) items are counted, not kept."""
    page = Page()
    for row in rows:
        item = item_json.loads(row.item)
        page.scanned += 1
        page.read_bytes += row.size
        if keep is None or keep(item):
            page.count += 1
            if collect:
                page.items.append(shape(item) if shape is not None else item)
        if (limit is not None and page.scanned >= limit) or page.read_bytes >= PAGE_BYTES:
            page.last_key = {name: item[name] for name in key_names if name in item}
            break
    return page
