"""How Stratus resolves the node executable for a Node.js runtime (stratus/lambda_runtime/nodejs):
the runtime's major on PATH, explicit variables, option flags, refusals and probing.

These tests use stand-in `node` scripts and run anywhere.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from stratus.lambda_runtime import FunctionConfig, RuntimeResolver, RuntimeUnavailable
from stratus.lambda_runtime.node_image import BOOTSTRAP, RUNTIME_DIR

# -- resolution, with stand-in node executables ----------------------------------------


def fake_node(
    directory: Path, name: str = "node", *, version: str = "20.11.1", flags=None, fail=None
) -> Path:
    """A script that answers Stratus's probe like a node of `version` (and counts the probes)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    if fail:
        path.write_text(f"#!/bin/sh\necho '{fail}' >&2\nexit 1\n")
    else:
        if flags is None:
            flags = ["--no-experimental-detect-module", "--no-experimental-require-module"]
        answer = json.dumps({"version": version, "flags": flags})
        path.write_text(f"#!/bin/sh\necho probed >> '{path}.calls'\necho '{answer}'\n")
    path.chmod(0o755)
    return path


def node_config(code: Path, runtime: str = "nodejs20.x", **overrides) -> FunctionConfig:
    values = {"function_name": "fn", "runtime": runtime, "handler": "index.handler", "code_dir": str(code)}
    values.update(overrides)
    return FunctionConfig(**values)


def test_node_on_path_of_the_runtimes_major_runs_the_bootstrap(tmp_path):
    node = fake_node(tmp_path / "bin")
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path / "bin")})
    code = tmp_path / "code"
    spec = resolver.launch_spec(
        node_config(code, memory_size_mb=256, layer_dirs=(str(tmp_path / "l1"), str(tmp_path / "l2")))
    )
    # Lambda's bootstrap flags: heap sizes from the memory (a tenth young, half of it per
    # semi-space; the rest old), and require(esm) off on Node.js 20.
    assert spec.argv == (
        str(node),
        "--expose-gc",
        "--max-http-header-size=81920",
        "--no-experimental-require-module",
        "--max-semi-space-size=12",
        "--max-old-space-size=231",
        str(BOOTSTRAP),
    )
    assert spec.cwd == str(code) and spec.telemetry_log_fd
    assert spec.env["AWS_EXECUTION_ENV"] == "AWS_Lambda_nodejs20.x"
    assert spec.env["LAMBDA_RUNTIME_DIR"] == str(RUNTIME_DIR)
    assert spec.env["_HANDLER"] == "index.handler"
    assert spec.env["NODE_PATH"].split(os.pathsep) == [
        str(tmp_path / "l2" / "nodejs" / "node20" / "node_modules"),
        str(tmp_path / "l1" / "nodejs" / "node20" / "node_modules"),
        str(tmp_path / "l2" / "nodejs" / "node_modules"),
        str(tmp_path / "l1" / "nodejs" / "node_modules"),
        str(RUNTIME_DIR / "node_modules"),
        str(RUNTIME_DIR),
        str(code),
    ]


@pytest.mark.parametrize(
    ("runtime", "flags"),
    [
        ("nodejs18.x", []),
        ("nodejs20.x", ["--no-experimental-require-module"]),
        ("nodejs22.x", ["--no-experimental-require-module", "--no-experimental-detect-module"]),
        ("nodejs24.x", []),
    ],
)
def test_experimental_features_lambda_disables(tmp_path, runtime, flags):
    major = runtime.removeprefix("nodejs").removesuffix(".x")
    fake_node(tmp_path / "bin", version=f"{major}.1.0")
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path / "bin")})
    argv = resolver.launch_spec(node_config(tmp_path, runtime)).argv
    assert [a for a in argv if a.startswith("--no-experimental")] == flags
    assert (
        resolver.launch_spec(node_config(tmp_path, runtime)).env["AWS_EXECUTION_ENV"]
        == f"AWS_Lambda_{runtime}"
    )


def test_a_node_that_lacks_the_flags_does_not_get_them(tmp_path):
    fake_node(tmp_path / "bin", version="22.1.0", flags=[])
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path / "bin")})
    argv = resolver.launch_spec(node_config(tmp_path, "nodejs22.x")).argv
    assert argv[3:5] == ("--max-semi-space-size=6", "--max-old-space-size=116")


def test_function_node_options_override_the_bootstraps_choices(tmp_path):
    fake_node(tmp_path / "bin", version="22.3.0")
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path / "bin")})
    options = "--experimental-require-module --max-old-space-size=64"
    spec = resolver.launch_spec(
        node_config(tmp_path, "nodejs22.x", variables={"NODE_OPTIONS": options, "NODE_PATH": "/mine"})
    )
    # the re-enabled feature loses its disabling flag; heap options left to the function
    assert spec.argv[3:] == ("--no-experimental-detect-module", str(BOOTSTRAP))
    assert spec.env["NODE_OPTIONS"] == options
    assert spec.env["NODE_PATH"] == "/mine"  # Lambda's bootstrap keeps a NODE_PATH the function sets


def test_explicit_node_variable_is_used_without_fallback(tmp_path):
    on_path = fake_node(tmp_path / "bin")
    chosen = fake_node(tmp_path / "elsewhere", "node20", version="20.5.0")
    resolver = RuntimeResolver(
        support_dir=tmp_path / "s",
        environ={"PATH": str(tmp_path / "bin"), "STRATUS_LAMBDA_NODEJS20_X": str(chosen)},
    )
    assert resolver.launch_spec(node_config(tmp_path)).argv[0] == str(chosen)
    missing = RuntimeResolver(
        support_dir=tmp_path / "s",
        environ={"PATH": str(tmp_path / "bin"), "STRATUS_LAMBDA_NODEJS20_X": str(tmp_path / "nope")},
    )
    reason = missing.unavailable_reason("nodejs20.x")
    assert reason.startswith(f"nodejs20.x: STRATUS_LAMBDA_NODEJS20_X={tmp_path / 'nope'} is not usable:")
    assert not Path(f"{on_path}.calls").exists()


def test_node_of_another_major_is_refused_with_the_reason(tmp_path):
    fake_node(tmp_path / "bin", version="22.3.0")
    node = tmp_path / "bin" / "node"
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path / "bin")})
    assert resolver.unavailable_reason("nodejs20.x") == (
        f"No usable Node.js 20 for the nodejs20.x runtime ({node} is Node.js 22.3.0, not 20; set "
        "STRATUS_LAMBDA_NODEJS_ALLOW_NEWER=1 to run nodejs20.x functions on a newer Node.js). "
        "Put Node.js 20 on PATH as node, or set STRATUS_LAMBDA_NODEJS20_X to a Node.js 20 executable."
    )
    # an older node is never offered as a way out
    assert f"({node} is Node.js 22.3.0, not 24)." in resolver.unavailable_reason("nodejs24.x")
    with pytest.raises(RuntimeUnavailable):
        resolver.launch_spec(node_config(tmp_path, "nodejs24.x"))


def test_newer_node_allowed_on_request_keeps_the_runtimes_identity(tmp_path):
    node = fake_node(tmp_path / "bin", version="22.3.0")
    resolver = RuntimeResolver(
        support_dir=tmp_path / "s",
        environ={"PATH": str(tmp_path / "bin"), "STRATUS_LAMBDA_NODEJS_ALLOW_NEWER": "1"},
    )
    spec = resolver.launch_spec(node_config(tmp_path, "nodejs18.x", layer_dirs=(str(tmp_path / "l"),)))
    assert spec.argv[0] == str(node)
    assert spec.env["AWS_EXECUTION_ENV"] == "AWS_Lambda_nodejs18.x"
    assert spec.env["NODE_PATH"].split(os.pathsep)[0] == str(
        tmp_path / "l" / "nodejs" / "node18" / "node_modules"
    )
    # an older node never runs a newer runtime
    assert "is Node.js 22.3.0, not 24)" in resolver.unavailable_reason("nodejs24.x")


def test_no_node_at_all(tmp_path):
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path)})
    assert resolver.unavailable_reason("nodejs22.x") == (
        "No usable Node.js 22 for the nodejs22.x runtime (no node on PATH). "
        "Put Node.js 22 on PATH as node, or set STRATUS_LAMBDA_NODEJS22_X to a Node.js 22 executable."
    )


def test_broken_node_on_path(tmp_path):
    fake_node(tmp_path / "bin", fail="nvm: node: version not installed")
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path / "bin")})
    assert "nvm: node: version not installed" in resolver.unavailable_reason("nodejs20.x")


@pytest.mark.parametrize("runtime", ["nodejs16.x", "nodejs26.x", "nodejs20", "nodejs"])
def test_node_runtimes_stratus_does_not_run(tmp_path, runtime):
    fake_node(tmp_path / "bin")
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path / "bin")})
    assert resolver.unavailable_reason(runtime) == f"The {runtime} runtime is not supported by Stratus."


def test_node_is_probed_once_per_executable(tmp_path):
    node = fake_node(tmp_path / "bin")
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path / "bin")})
    resolver.launch_spec(node_config(tmp_path))
    resolver.launch_spec(node_config(tmp_path))
    resolver.unavailable_reason("nodejs22.x")  # same node, another runtime: no second probe
    assert Path(f"{node}.calls").read_text().count("probed") == 1
