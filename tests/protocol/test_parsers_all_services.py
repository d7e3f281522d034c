"""Every operation of every service botocore knows, in every protocol the service speaks (slow)."""

from __future__ import annotations

import pytest

from stratus.protocol.loader import catalog
from stratus.protocol.parsers import parse_request

from .strategies import check_roundtrips, operations_of

# QueueConfigurationDeprecated names both `Event` and the flattened `Events` <Event>: ambiguous by design.
SKIP = {"s3": frozenset({"PutBucketNotification"})}
PROTOCOLS = ["query", "ec2", "json", "rest-json", "rest-xml", "smithy-rpc-v2-cbor"]


def _service_protocols():
    return [
        pytest.param(service, protocol, id=f"{protocol}:{service}")
        for service, meta in sorted(catalog().items())
        for protocol in meta.protocols
        if protocol in PROTOCOLS
    ]


@pytest.mark.slow
@pytest.mark.parametrize("service,protocol", _service_protocols())
def test_every_operation_roundtrips(service, protocol):
    for operation in operations_of(service, SKIP.get(service, frozenset())):
        check_roundtrips(protocol, operation, 3, parse_request)
