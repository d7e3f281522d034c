"""The request log: ring, durable table, and batches written off the event loop."""

import asyncio
import sqlite3
import threading

from stratus.core.request_log import MIGRATIONS, RequestLog, RequestRecord
from stratus.store import StateStore


def _record(n: int, service: str = "sts") -> RequestRecord:
    return RequestRecord(
        time=1700000000.0 + n,
        account_id="000000000000",
        region="us-east-1",
        service=service,
        operation="GetCallerIdentity",
        principal="arn:aws:iam::000000000000:root",
        status=200,
        error_code=None,
        latency_ms=0.1,
        request_id=f"r-{n}",
        source_ip="127.0.0.1",
        internal=False,
    )


def test_ring_is_bounded_and_filters_by_service():
    log = RequestLog(capacity=3, echo=False)
    for n in range(5):
        log.record(_record(n, "sts" if n % 2 else "sqs"))
    assert [e.request_id for e in log.recent()] == ["r-2", "r-3", "r-4"]
    assert [e.request_id for e in log.recent(service="sts")] == ["r-3"]
    assert log.recent(0) == []


def test_batches_written_on_a_thread_reach_the_table(tmp_path):
    state = StateStore(tmp_path)
    db = state.database("_stratus", MIGRATIONS)
    log = RequestLog(echo=False)
    for n in range(1000):
        log.record(_record(n))
    assert asyncio.run(log.flush_in_thread(db.path)) == 1000
    rows = log.from_table(db, 5)
    assert [r.request_id for r in rows] == ["r-995", "r-996", "r-997", "r-998", "r-999"]
    log.close()
    state.close()


def test_close_waits_for_a_batch_still_being_written(tmp_path):
    """A flush task cancelled at shutdown leaves its thread writing; close() must not pull the
    connection from under it (that crashed the process once)."""
    state = StateStore(tmp_path)
    db = state.database("_stratus", MIGRATIONS)
    log = RequestLog(echo=False)
    writer = log._thread_writer(db.path)
    batch = [_record(n) for n in range(50_000)]
    thread = threading.Thread(target=writer.write, args=(batch,))
    thread.start()
    log.close()  # from "the loop thread", while the batch is being written
    thread.join()
    writer.write([_record(1)])  # after close: ignored, no crash
    count = sqlite3.connect(db.path).execute("SELECT COUNT(*) FROM request_log").fetchone()[0]
    assert count in (0, 50_000)  # all or nothing, never a torn batch
    state.close()
