"""Every operation of every botocore model, in every protocol the model lists, round-trips
through botocore's parser. Slow (about two minutes): marked `slow`; `-m 'not slow'` leaves it out of a quick run."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from output_strategies import assert_round_trip, output_strategy

from stratus.protocol.loader import catalog, service_model

# Answers botocore only reads through a handler, or models whose members share an element name.
SKIPPED = {
    ("s3", "GetBucketLocation"),  # a bare element read by a botocore handler (tested via a client)
    ("s3", "GetBucketNotification"),  # deprecated: `Event` and the flattened `Events` share <Event>
}


def _operations(protocol: str) -> list:
    selected = []
    for name, meta in sorted(catalog().items()):
        if protocol not in meta.protocols:
            continue
        service = service_model(name)
        for operation_name in service.operation_names:
            operation = service.operation_model(operation_name)
            if operation.output_shape is None or operation.has_event_stream_output:
                continue
            if (name, operation_name) in SKIPPED:
                continue
            members = operation.output_shape.members.values()
            if any(
                m.serialization.get("location") == "headers" and not m.serialization.get("name")
                for m in members
            ):
                continue  # a prefix-less header map collects every header of the answer
            selected.append(operation)
    return selected


def _round_trip_a_few(protocol: str, operation) -> None:
    @settings(
        derandomize=True,
        max_examples=3,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(data=st.data())
    def round_trip(data: st.DataObject) -> None:
        assert_round_trip(protocol, operation, data.draw(output_strategy(operation, protocol)))

    round_trip()


@pytest.mark.slow
@pytest.mark.parametrize("protocol", ["query", "ec2", "json", "rest-json", "rest-xml", "smithy-rpc-v2-cbor"])
def test_every_operation_round_trips(protocol: str) -> None:
    failures = []
    for operation in _operations(protocol):
        try:
            _round_trip_a_few(protocol, operation)
        except Exception as failure:  # collect them all, report at once
            failures.append(f"{operation.service_model.service_name}.{operation.name}: {failure!r:.300}")
    assert not failures, "\n".join(failures)
