"""Lambda workloads: a warm synchronous Invoke of a Python function that returns its event.

The function runs as a local process (awslambdaric), so the figure is the whole round trip: HTTP,
the Runtime API hand-off to the warm environment, the function, and the answer. Servers that need
Docker to run functions (moto server) answer errors here, which the report shows as such.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile

from bench.workloads import Workload, _unique, boto3_client, register

TRUST_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"
ECHO_HANDLER = "def handler(event, context):\n    return event\n"
SLEEP_HANDLER = (
    "import time\n\ndef handler(event, context):\n    time.sleep(event.get('sleep', 0))\n    return event\n"
)


def handler_zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", source)
    return buffer.getvalue()


def create_function(endpoint: str, source: str = ECHO_HANDLER, memory: int = 128) -> str:
    """A new Python function (and its role); returns its name once it is Active."""
    iam = boto3_client("iam", endpoint)
    role_name = _unique("bench-lambda-role")
    role = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))["Role"][
        "Arn"
    ]
    lam = boto3_client("lambda", endpoint)
    name = _unique("bench-fn")
    lam.create_function(
        FunctionName=name,
        Runtime=RUNTIME,
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": handler_zip(source)},
        MemorySize=memory,
        Timeout=30,
    )
    lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1})
    return name


def _warm_function(endpoint: str) -> str:
    name = create_function(endpoint)
    boto3_client("lambda", endpoint).invoke(FunctionName=name, Payload=b"{}")  # the cold start
    return name


def _delete(endpoint: str, name: str) -> None:
    boto3_client("lambda", endpoint).delete_function(FunctionName=name)


register(
    Workload(
        name="lambda.Invoke",
        service="lambda",
        operation="Invoke",
        setup=_warm_function,
        teardown=_delete,
        params=lambda name, i: {"FunctionName": name, "Payload": b'{"hello": "world"}'},
        pool_size=1,
        description="a warm Python function returning its small event",
    )
)
