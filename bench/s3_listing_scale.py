"""python -m bench.s3_listing_scale: how long one 1,000-key ListObjectsV2 page takes deep in a
big bucket. Reports figures only; nothing passes or fails.

A bucket is filled with N keys straight through the object store (no HTTP, no bodies) in a
temporary data directory; then pages are timed at several depths (from the start, from the middle,
and the last full page), without and with a delimiter, two ways:

  * in-process: the provider's `list_objects_v2` (SQL + shaping the answer), no HTTP;
  * HTTP: a signed GET through a Stratus server on that data directory, the XML answer
    read whole but not parsed (boto3's own parsing of 1,000 entries would dominate).

    .venv/bin/python -m bench.s3_listing_scale --keys 1000000     # a few minutes to fill
    .venv/bin/python -m bench.s3_listing_scale --keys 100000 --repeat 20
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

ACCOUNT = "000000000000"
BUCKET = "listing-scale"
FILL_BATCH = 20_000


def key_for(index: int) -> str:
    """Keys spread over 100 top-level folders of 100 subfolders each, like logs or photos."""
    return f"data/{index % 100:02d}/{(index // 100) % 100:02d}/object-{index:08d}.json"


def fill(data_dir: Path, count: int) -> list[str]:
    """Create the bucket and `count` object rows through object_store; returns the sorted keys."""
    from stratus.services.s3 import object_store
    from stratus.services.s3.bucket_store import find_bucket
    from stratus.services.s3.schema import MIGRATIONS
    from stratus.store import Database

    db = Database(data_dir / "s3.db", MIGRATIONS)
    with db.transaction():
        db.execute(
            "INSERT INTO s3_buckets (name, account_id, region, created_at) VALUES (?, ?, 'us-east-1', ?)",
            (BUCKET, ACCOUNT, time.time()),
        )
    bucket = find_bucket(db, BUCKET)
    started = time.perf_counter()
    for first in range(0, count, FILL_BATCH):
        with db.transaction():
            for index in range(first, min(first + FILL_BATCH, count)):
                object_store.write(
                    db,
                    bucket,
                    object_store.NewVersion(
                        key=key_for(index),
                        owner_id=ACCOUNT,
                        last_modified=time.time(),
                        size=index % 4096,
                        etag='"d41d8cd98f00b204e9800998ecf8427e"',
                    ),
                )
        done = min(first + FILL_BATCH, count)
        rate = done / (time.perf_counter() - started)
        print(f"\r  filled {done:,}/{count:,} keys ({rate:,.0f}/s)", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return sorted(key_for(index) for index in range(count))


def _timed(action, repeat: int) -> tuple[float, float]:
    """(median, max) milliseconds of `action` over `repeat` runs after one warm-up."""
    action()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def in_process(
    data_dir: Path, cases: list[tuple[str, dict]], repeat: int
) -> list[tuple[str, float, float, int]]:
    from stratus.services.s3.listing import ListingOperations
    from stratus.services.s3.schema import MIGRATIONS
    from stratus.store import Database

    db = Database(data_dir / "s3.db", MIGRATIONS)
    operations = ListingOperations()
    operations.db = lambda: db  # type: ignore[method-assign]
    ctx = SimpleNamespace(account_id=ACCOUNT)
    figures = []
    for label, request in cases:
        answer = operations.list_objects_v2(ctx, {"Bucket": BUCKET, "MaxKeys": 1000, **request})  # type: ignore[arg-type]
        median, worst = _timed(
            lambda request=request: operations.list_objects_v2(
                ctx, {"Bucket": BUCKET, "MaxKeys": 1000, **request}
            ),  # type: ignore[arg-type]
            repeat,
        )
        figures.append((label, median, worst, answer["KeyCount"]))
    db.close()
    return figures


def over_http(
    data_dir: Path, cases: list[tuple[str, dict]], repeat: int
) -> list[tuple[str, float, float, int]]:
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    from stratus.testing import StratusServer

    signer = S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1")
    names = {"Prefix": "prefix", "StartAfter": "start-after", "Delimiter": "delimiter"}
    figures = []
    with StratusServer(data_dir=data_dir) as server:
        for label, request in cases:
            query = "&".join(
                [
                    "list-type=2",
                    "max-keys=1000",
                    *(
                        f"{names[name]}={urllib.request.quote(value, safe='')}"
                        for name, value in request.items()
                    ),
                ]
            )
            url = f"{server.endpoint}/{BUCKET}?{query}"

            def fetch(url: str = url) -> bytes:
                signed = AWSRequest(method="GET", url=url)
                signer.add_auth(signed)
                with urllib.request.urlopen(
                    urllib.request.Request(url, headers=dict(signed.headers))
                ) as answer:
                    return answer.read()

            body = fetch()
            median, worst = _timed(fetch, repeat)
            figures.append(
                (label, median, worst, body.count(b"<Contents>") + body.count(b"<CommonPrefixes>"))
            )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, default=200_000, help="objects in the bucket (default 200,000)")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per case (default 10)")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurements")
    options = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="stratus-listing-bench-") as directory:
        data_dir = Path(directory)
        print(f"Filling a bucket with {options.keys:,} keys ...", file=sys.stderr)
        keys = fill(data_dir, options.keys)
        cases: list[tuple[str, dict]] = []
        last_page = max(len(keys) - 1001, 0)  # the start of the last full page
        for label, index in (("start", None), ("middle", len(keys) // 2), ("end", last_page)):
            where = {"StartAfter": keys[index]} if index else {}
            cases.append((f"{label} of the bucket", where))
            cases.append(
                (
                    f"{label} of the bucket, prefix data/, delimiter /",
                    {**where, "Prefix": "data/", "Delimiter": "/"},
                )
            )
        in_folder = [key for key in keys if key.startswith("data/42/")]
        cases.append(
            (
                "middle of prefix data/42/",
                {"Prefix": "data/42/", "StartAfter": in_folder[len(in_folder) // 2]},
            )
        )
        cases.append(
            ("prefix data/42/, delimiter / (100 common prefixes)", {"Prefix": "data/42/", "Delimiter": "/"})
        )
        print(f"\nListObjectsV2, max-keys 1000, bucket of {options.keys:,} keys; milliseconds, median / max")
        print(f"{'case':<55} {'entries':>7} {'in-process':>16} {'HTTP':>16}")
        local = in_process(data_dir, cases, options.repeat)
        remote = over_http(data_dir, cases, options.repeat) if not options.no_http else [None] * len(local)
        for (label, median, worst, entries), http in zip(local, remote, strict=True):
            http_text = f"{http[1]:7.1f} / {http[2]:6.1f}" if http else "-"
            print(f"{label:<55} {entries:>7} {median:7.1f} / {worst:6.1f} {http_text:>16}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
