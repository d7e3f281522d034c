"""ctx.aws(service): another service's operation through the same dispatch, minus HTTP."""

import asyncio

import pytest

from stratus.auth.credentials import Principal
from stratus.config import Config
from stratus.core.context import RequestContext
from stratus.protocol.errors import NotImplementedOperation, ServiceError
from stratus.runtime import Runtime


@pytest.fixture
def runtime():
    runtime = Runtime(Config(ephemeral=True, request_log=False, init_dirs=()))
    yield runtime
    asyncio.run(runtime.stop())


def _context(runtime: Runtime) -> RequestContext:
    return RequestContext(
        runtime=runtime,
        service="sns",
        operation="Publish",
        account_id="111122223333",
        region="eu-west-1",
        principal=Principal.root("111122223333"),
        request_id="r-1",
        time=runtime.clock.now(),
    )


def test_call_runs_as_the_service_principal_and_is_logged(runtime):
    ctx = _context(runtime)
    client = ctx.aws("sts", principal="sns.amazonaws.com", source_arn="arn:aws:sns:eu-west-1:111122223333:t")
    identity = asyncio.run(client.get_caller_identity())
    assert identity == {"UserId": "sns.amazonaws.com", "Account": "111122223333", "Arn": "sns.amazonaws.com"}
    [entry] = runtime.request_log.recent()
    assert (entry.service, entry.operation, entry.status, entry.internal) == (
        "sts",
        "GetCallerIdentity",
        200,
        True,
    )
    assert entry.region == "eu-west-1" and entry.principal == "sns.amazonaws.com"


def test_without_a_service_principal_the_caller_is_kept(runtime):
    identity = asyncio.run(_context(runtime).aws("sts").get_caller_identity())
    assert identity["Arn"] == "arn:aws:iam::111122223333:root"


def test_unimplemented_operation_raises_not_implemented(runtime):
    client = _context(runtime).aws("cloudformation", principal="events.amazonaws.com")
    with pytest.raises(NotImplementedOperation) as raised:
        asyncio.run(client.describe_stacks(StackName="stack"))
    assert raised.value.message == "Stratus does not implement cloudformation.DescribeStacks yet"
    [entry] = runtime.request_log.recent()
    assert entry.error_code == "NotImplemented" and entry.status == 501


def test_input_is_validated_as_for_an_external_request(runtime):
    client = _context(runtime).aws("cloudformation", principal="events.amazonaws.com")
    with pytest.raises(ServiceError) as raised:
        asyncio.run(client.create_stack())  # StackName is required
    assert raised.value.status == 400
    assert "stackname" in raised.value.message.lower()


def test_unknown_operation_is_an_attribute_error(runtime):
    with pytest.raises(AttributeError):
        _ = _context(runtime).aws("sts").launch_rockets


def test_pending_delivery_loads_the_service_that_handles_it(runtime, monkeypatch):
    """Outbox kinds are "<service>.<what>": a row found after a restart imports its provider."""
    from stratus.services.sts.provider import StsProvider

    delivered = []

    def register(self):
        async def deliver(payload):
            delivered.append(payload)

        self.runtime.outbox.register("sts.example", deliver)

    monkeypatch.setattr(StsProvider, "register_deliveries", register)
    from stratus.core.outbox import enqueue

    db = runtime.state.database("sts")
    with db.transaction():
        enqueue(db, "sts.example", {"n": 1})

    async def run():
        await runtime.outbox_worker.start()
        await runtime.outbox_worker.wait_idle(5)
        await runtime.outbox_worker.stop()

    asyncio.run(run())
    assert delivered == [{"n": 1}]
