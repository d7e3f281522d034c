"""Node.js functions run by Stratus's own runtime client: how the handler's module is found
(CommonJS and ES modules), init failures reported through the init error, and layers'
node_modules on NODE_PATH.

These tests start the machine's real Node.js and are skipped without one (18 or later).
"""

from __future__ import annotations

import json
import re

import pytest

from stratus.lambda_runtime.node_image import BOOTSTRAP

from .conftest import write_code
from .node_runtime_support import (
    CALLBACK_MAJOR,
    TIMESTAMP,
    invoke_once,
    needs_node,
    node_resolver_fixture,  # noqa: F401
    start,
)


@pytest.mark.parametrize(
    ("files", "handler", "expected"),
    [
        ({"app.js": "exports.handler = async () => 'cjs:' + typeof require;"}, "app.handler", "cjs:function"),
        (
            {"app.mjs": "export const handler = async () => 'esm:' + typeof require;"},
            "app.handler",
            "esm:undefined",
        ),
        ({"app.cjs": "exports.handler = async () => 'cjs-ext';"}, "app.handler", "cjs-ext"),
        (
            {
                "package.json": '{"type": "module"}',
                "app.js": "export const handler = async () => 'module-js:' + typeof require;",
            },
            "app.handler",
            "module-js:undefined",
        ),
        (
            {
                "src/package.json": '{"type": "module"}',
                "src/deep/app.js": "export const api = { v1: { get: async () => 'nested esm' } };",
            },
            "src/deep/app.api.v1.get",
            "nested esm",
        ),
        (
            {
                "package.json": '{"type": "commonjs"}',
                "lib/app.js": "module.exports = { handler: async () => 'dir' };",
            },
            "lib/app.handler",
            "dir",
        ),
        (
            {"node_modules/mylib/index.js": "exports.handler = async () => 'from node_modules';"},
            "mylib.handler",
            "from node_modules",
        ),
    ],
    ids=[
        "js-commonjs",
        "mjs",
        "cjs",
        "js-type-module",
        "nested-dir-and-export",
        "subdirectory",
        "node-modules",
    ],
)
@needs_node
def test_module_resolution(node_resolver, tmp_path, files, handler, expected):
    code = write_code(tmp_path / "code", files)
    result = invoke_once(start(node_resolver, code, handler))
    assert result.status == "success", result.payload
    assert json.loads(result.payload) == expected


INIT_FAILURES = [
    (
        {},
        "nope.handler",
        "Runtime.ImportModuleError",
        f"Error: Cannot find module 'nope'\nRequire stack:\n- {BOOTSTRAP}",
    ),
    (
        {"index.js": "require('left-pad');\nexports.handler = async () => 1;"},
        "index.handler",
        "Runtime.ImportModuleError",
        "Error: Cannot find module 'left-pad'\nRequire stack:\n- {code}/index.js\n- " + str(BOOTSTRAP),
    ),
    (
        {"index.js": "exports.other = async () => 1;"},
        "index.handler",
        "Runtime.HandlerNotFound",
        "index.handler is undefined or not exported",
    ),
    (
        {"index.js": "exports.handler = 42;"},
        "index.handler",
        "Runtime.HandlerNotFound",
        "index.handler is not a function",
    ),
    ({"index.js": "exports.handler = 1;"}, "index", "Runtime.MalformedHandlerName", "Bad handler"),
    (
        {},
        "../outside.handler",
        "Runtime.MalformedHandlerName",
        "'../outside.handler' is not a valid handler name. Use absolute paths when specifying root directories "
        "in handler names.",
    ),
    (
        {"index.js": "exports.handler = async () => { return 1 +; };"},
        "index.handler",
        "Runtime.UserCodeSyntaxError",
        "SyntaxError: Unexpected token ';'",
    ),
    ({"index.js": "throw new RangeError('bad config');"}, "index.handler", "RangeError", "bad config"),
]


@pytest.mark.parametrize(("files", "handler", "error_type", "message"), INIT_FAILURES)
@needs_node
def test_init_failures_are_reported_through_init_error(
    node_resolver, tmp_path, files, handler, error_type, message
):
    code = write_code(tmp_path / "code", files)
    h = start(node_resolver, code, handler)
    result = invoke_once(h, request_id="req-init")
    message = message.replace("{code}", str(code))
    assert result.function_error == "Unhandled" and result.error_type == error_type
    document = json.loads(result.payload)
    assert (document["errorType"], document["errorMessage"]) == (error_type, message)
    assert document["trace"][0] == f"{error_type}: {message.splitlines()[0]}"
    assert not h.environment.alive
    logged = next(m for m in h.messages if "\tERROR\tUncaught Exception \t" in m)
    prefix = re.match(TIMESTAMP + r"\tundefined\tERROR\tUncaught Exception \t", logged)
    assert prefix, logged
    detail = json.loads(logged[prefix.end() :])
    assert (detail["errorType"], detail["errorMessage"]) == (error_type, message)
    init_report = next(m for m in h.messages if m.startswith("INIT_REPORT"))
    assert init_report.endswith(f"\tPhase: init\tStatus: error\tError Type: {error_type}\n")


@needs_node
def test_layers_node_modules_on_node_path(node_resolver, tmp_path):
    code = write_code(
        tmp_path / "code",
        {"index.js": "exports.handler = async () => [require('shared').who, require('versioned').who];"},
    )
    first = write_code(
        tmp_path / "layer1",
        {
            "nodejs/node_modules/shared/index.js": "exports.who = 'layer1';",
            f"nodejs/node{CALLBACK_MAJOR}/node_modules/versioned/index.js": "exports.who = 'node-specific';",
        },
    )
    second = write_code(
        tmp_path / "layer2", {"nodejs/node_modules/shared/index.js": "exports.who = 'layer2';"}
    )
    h = start(node_resolver, code, "index.handler", layer_dirs=(str(first), str(second)))
    # the later layer wins, as when Lambda extracts layers in order into /opt
    assert json.loads(invoke_once(h).payload) == ["layer2", "node-specific"]
