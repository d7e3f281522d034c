"""Finding a Python interpreter for a pythonX.Y function and giving it a clean "image".

In Lambda a Python function sees the standard library, the runtime interface client
(awslambdaric, in /var/runtime) and the AWS SDK the runtime ships (boto3, botocore and
their dependencies) - nothing else but its own code and layers. Stratus reproduces that:

* For the Python version Stratus itself runs on, it builds a private virtual environment
  (no system site-packages) from the base interpreter and links into its site-packages
  only awslambdaric and boto3 with their dependency closures, taken from Stratus's own
  environment. The rest of Stratus's site-packages stays invisible to functions.
* An interpreter of another version must bring its own awslambdaric; it is used as is
  (its own site-packages included), and gets boto3 from Stratus only if it lacks it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from stratus.lambda_runtime.probing import PROBE_TIMEOUT, probe_json

_PROBE = (
    "import json, os, sys\n"
    "def can(*names):\n"
    "    try:\n"
    "        for name in names: __import__(name)\n"
    "        return True\n"
    "    except Exception:\n"
    "        return False\n"
    "ric = can('awslambdaric.bootstrap', 'runtime_client')\n"
    "home = os.path.dirname(os.path.dirname(sys.modules['awslambdaric'].__file__)) if ric else ''\n"
    "print(json.dumps({'version': '%d.%d' % sys.version_info[:2], 'executable': sys.executable,\n"
    "    'base': getattr(sys, '_base_executable', '') or sys.executable, 'prefix': sys.prefix,\n"
    "    'awslambdaric': home, 'boto3': can('boto3')}))\n"
)


class PythonUnavailable(Exception):
    """No usable interpreter; the message says why and how to fix it."""


@dataclass(frozen=True)
class Probe:
    version: str
    executable: str
    base: str
    prefix: str
    awslambdaric_dir: str  # where it imports awslambdaric from; "" when it cannot
    has_boto3: bool


@dataclass(frozen=True)
class PythonImage:
    interpreter: str  # what to execute
    version: str  # "3.12"
    extra_path: tuple[str, ...] = ()  # appended to PYTHONPATH (the SDK, when linked that way)
    runtime_dir: str = ""  # LAMBDA_RUNTIME_DIR: where awslambdaric lives


def probe(executable: str, environ: dict[str, str] | None = None) -> Probe | str:
    """Ask an interpreter about itself; a string is the reason it could not answer."""
    env = {k: v for k, v in (environ or os.environ).items() if not k.startswith("PYTHON")}
    env["PYTHONNOUSERSITE"] = "1"
    answer = probe_json([executable, "-c", _PROBE], env, "a Python interpreter")
    if isinstance(answer, str):
        return answer
    return Probe(
        version=answer["version"],
        executable=answer["executable"],
        base=answer["base"],
        prefix=answer["prefix"],
        awslambdaric_dir=answer["awslambdaric"],
        has_boto3=answer["boto3"],
    )


def running_version() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def image_from_probe(found: Probe, support_dir: Path) -> PythonImage | str:
    """Turn a suitable interpreter into an image, or say why it is not suitable."""
    own_environment = os.path.realpath(found.prefix) == os.path.realpath(sys.prefix)
    if found.awslambdaric_dir and not own_environment:
        extra: tuple[str, ...] = ()
        if not found.has_boto3 and _sdk_supports(found.version):
            extra = (str(_link_dir(support_dir, "sdk", _closure(["boto3"]))),)
        return PythonImage(found.executable, found.version, extra, found.awslambdaric_dir)
    if found.version == running_version() and _stratus_has("awslambdaric"):
        venv = _isolated_venv(found.base, found.version, support_dir)
        interpreter = str(venv / "bin" / "python")
        check = probe(interpreter)
        if isinstance(check, str) or not check.awslambdaric_dir:  # e.g. another ABI than Stratus's
            detail = check if isinstance(check, str) else "awslambdaric does not load"
            return f"{found.executable} cannot use Stratus's awslambdaric ({detail})"
        return PythonImage(interpreter, found.version, (), str(_site_packages(venv, found.version)))
    return (
        f"{found.executable} (Python {found.version}) cannot import awslambdaric; install it with "
        f"`{found.executable} -m pip install awslambdaric`"
    )


def _stratus_has(name: str) -> bool:
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def _sdk_supports(version: str) -> bool:
    """Whether Stratus's boto3 and botocore declare support for that Python version."""
    if not _stratus_has("boto3"):
        return False
    minor = int(version.split(".")[1])
    for name in ("boto3", "botocore"):
        requires = metadata.distribution(name).metadata.get("Requires-Python") or ""
        match = re.search(r">=\s*3\.(\d+)", requires)
        if match and minor < int(match.group(1)):
            return False
    return True


def _closure(roots: list[str]) -> dict[str, Path]:
    """Top-level import names (packages and modules) of `roots` and their dependencies,
    as installed in Stratus's environment: name → path to link."""
    entries: dict[str, Path] = {}
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        name = _normalise(pending.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for requirement in dist.requires or []:
            if "extra ==" in requirement.replace("extra==", "extra =="):
                continue
            pending.append(re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0])
        for file in dist.files or []:
            top = file.parts[0]
            if top.endswith((".dist-info", ".egg-info", ".pth")) or top in ("..", "__pycache__"):
                continue
            path = Path(dist.locate_file(top))
            if path.exists():
                entries[top] = path
    return entries


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps([str(part) for part in parts]).encode()).hexdigest()[:16]


def _link_dir(support_dir: Path, kind: str, entries: dict[str, Path]) -> Path:
    """A directory of symlinks to exactly `entries`, built once (atomically) and reused."""
    target = support_dir / f"{kind}-{_fingerprint(sorted(entries.items()))}"
    if target.is_dir():
        return target
    support_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{kind}-", dir=support_dir))
    for name, path in entries.items():
        (staging / name).symlink_to(path)
    _publish(staging, target)
    return target


def _isolated_venv(base: str, version: str, support_dir: Path) -> Path:
    entries = _closure(["awslambdaric", "boto3"])
    target = support_dir / f"python{version}-{_fingerprint(os.path.realpath(base), sorted(entries.items()))}"
    if (target / "bin" / "python").exists():
        return target
    support_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".python{version}-", dir=support_dir))
    try:
        subprocess.run(
            [base, "-m", "venv", "--without-pip", str(staging)],
            check=True,
            capture_output=True,
            timeout=PROBE_TIMEOUT,
            env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
        )
    except (OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise PythonUnavailable(
            f"could not create a Python {version} environment with {base}: {exc}"
        ) from exc
    site_packages = _site_packages(staging, version)
    site_packages.mkdir(parents=True, exist_ok=True)
    for name, path in entries.items():
        (site_packages / name).symlink_to(path)
    _publish(staging, target)
    return target


def _site_packages(venv: Path, version: str) -> Path:
    return venv / "lib" / f"python{version}" / "site-packages"


def _publish(staging: Path, target: Path) -> None:
    try:
        staging.rename(target)
    except OSError:  # another process published it first
        shutil.rmtree(staging, ignore_errors=True)
