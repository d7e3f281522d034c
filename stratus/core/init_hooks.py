"""LocalStack-style init hooks: user scripts that run at the server's lifecycle stages.

Each init directory may hold `boot.d`, `start.d`, `ready.d` and `shutdown.d`. In each, files
ending in `.sh` or `.py` are init scripts; anything else is ignored. This follows LocalStack
(`localstack/runtime/init.py`, docs "Initialization Hooks"):

- Order: within a stage directory, files of a folder in name order (plain code-point sort), then
  its subfolders in name order, depth first. With several init directories, each directory's
  scripts run after those of the directories before it (`default_init_dirs` order).
- `.sh` files are executed directly, so they need the executable bit and a shebang, exactly as
  in LocalStack; a non-executable one fails with "Permission denied" and is reported as ERROR.
  `.py` files run with this interpreter (`sys.executable`) and need no executable bit.
- A script that exits non-zero, or cannot be started, is ERROR; the remaining scripts still run
  and nothing is raised. A stage runs at most once and is "completed" afterwards, failures or not.
- Scripts are found once, on first use, and keep their state: UNKNOWN -> RUNNING -> SUCCESSFUL
  or ERROR.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

log = logging.getLogger("stratus.init")

# Stage names as LocalStack writes them in `/_localstack/init` documents, in lifecycle order.
STAGES: tuple[str, ...] = ("BOOT", "START", "READY", "SHUTDOWN")
STAGE_DIRECTORIES: dict[str, str] = {
    "BOOT": "boot.d",
    "START": "start.d",
    "READY": "ready.d",
    "SHUTDOWN": "shutdown.d",
}
SCRIPT_SUFFIXES: tuple[str, ...] = (".sh", ".py")

LOCALSTACK_INIT_DIR = Path("/etc/localstack/init")
INIT_DIR_VARIABLE = "STRATUS_INIT_DIR"

_READ_CHUNK = 64 * 1024


class ScriptState(StrEnum):
    UNKNOWN = "UNKNOWN"
    RUNNING = "RUNNING"
    SUCCESSFUL = "SUCCESSFUL"
    ERROR = "ERROR"


class UnknownStageError(ValueError):
    """The name is none of BOOT, START, READY, SHUTDOWN (in any letter case)."""


@dataclass(frozen=True, slots=True)
class ScriptStatus:
    stage: str  # e.g. "READY"
    name: str  # the file's base name, as LocalStack reports it
    state: str  # a ScriptState value


@dataclass(frozen=True, slots=True)
class StageReport:
    completed: bool
    scripts: tuple[ScriptStatus, ...]


@dataclass(frozen=True, slots=True)
class InitReport:
    completed: dict[str, bool]  # every stage, in STAGES order
    scripts: tuple[ScriptStatus, ...]  # every script, stage by stage, in run order


@dataclass(slots=True)
class _Script:
    path: Path
    stage: str
    state: ScriptState = ScriptState.UNKNOWN

    def status(self) -> ScriptStatus:
        return ScriptStatus(stage=self.stage, name=self.path.name, state=self.state.value)


def normalize_stage(stage: str) -> str:
    """'ready', 'Ready' or 'READY' -> 'READY' (LocalStack upper-cases the URL's stage)."""
    name = stage.upper()
    if name not in STAGE_DIRECTORIES:
        raise UnknownStageError(f"no such stage {stage}")
    return name


def default_init_dirs(
    environ: Mapping[str, str], *, localstack_dir: Path = LOCALSTACK_INIT_DIR
) -> list[Path]:
    """`$STRATUS_INIT_DIR` when set, then `/etc/localstack/init` when it exists; no duplicates."""
    dirs: list[Path] = []
    configured = environ.get(INIT_DIR_VARIABLE, "").strip()
    if configured:
        dirs.append(Path(configured))
    if localstack_dir.is_dir():
        dirs.append(localstack_dir)
    unique: list[Path] = []
    seen: set[str] = set()
    for directory in dirs:
        key = os.path.realpath(directory)
        if key not in seen:
            seen.add(key)
            unique.append(directory)
    return unique


def find_stage_scripts(init_dir: Path, stage: str) -> list[Path]:
    """The scripts of one stage under one init directory, in the order they run."""
    stage_dir = init_dir / STAGE_DIRECTORIES[normalize_stage(stage)]
    if not stage_dir.is_dir():
        return []
    found: list[Path] = []
    # os.walk is top-down: sorting `subdirs` in place makes the descent alphabetical.
    for folder, subdirs, files in os.walk(stage_dir):
        subdirs.sort()
        for filename in sorted(files):
            path = Path(os.path.abspath(os.path.join(folder, filename)))
            if filename.endswith(SCRIPT_SUFFIXES) and path.is_file():
                found.append(path)
    return found


def _command(path: Path) -> list[str]:
    if path.name.endswith(".py"):
        return [sys.executable, str(path)]
    return [str(path)]  # the kernel honours the shebang, as when LocalStack runs it


class InitHooks:
    """Finds and runs the init scripts of the given directories; keeps their states."""

    def __init__(self, dirs: list[Path]) -> None:
        self._dirs = list(dirs)
        self._scripts: dict[str, list[_Script]] | None = None
        self._completed: dict[str, bool] = dict.fromkeys(STAGES, False)
        self._started: set[str] = set()

    @property
    def dirs(self) -> list[Path]:
        return list(self._dirs)

    def _discovered(self) -> dict[str, list[_Script]]:
        if self._scripts is None:
            self._scripts = {
                stage: [
                    _Script(path=path, stage=stage)
                    for init_dir in self._dirs
                    for path in find_stage_scripts(init_dir, stage)
                ]
                for stage in STAGES
            }
            for script in (s for scripts in self._scripts.values() for s in scripts):
                log.debug("found %s init script %s", script.stage, script.path)
        return self._scripts

    def report(self) -> InitReport:
        scripts = self._discovered()
        return InitReport(
            completed=dict(self._completed),
            scripts=tuple(script.status() for stage in STAGES for script in scripts[stage]),
        )

    def stage_report(self, stage: str) -> StageReport:
        """Raises UnknownStageError for a name that is not a stage."""
        name = normalize_stage(stage)
        return StageReport(
            completed=self._completed[name],
            scripts=tuple(script.status() for script in self._discovered()[name]),
        )

    async def run_stage(self, stage: str, env: Mapping[str, str]) -> None:
        """Run the stage's scripts one after another; `env` is laid over this process's environment.

        Never raises because a script failed. A stage runs once: later calls return at once.
        """
        name = normalize_stage(stage)
        scripts = self._discovered()[name]
        if name in self._started:
            log.debug("init stage %s already run, skipping", name)
            return
        self._started.add(name)
        child_env = {**os.environ, **env}
        try:
            for script in scripts:
                await self._run_script(script, child_env)
        finally:
            self._completed[name] = True

    async def _run_script(self, script: _Script, env: dict[str, str]) -> None:
        script.state = ScriptState.RUNNING
        log.debug("running %s script %s", script.stage, script.path)
        try:
            process = await asyncio.create_subprocess_exec(
                *_command(script.path),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                env=env,
            )
        except OSError as error:  # not executable, bad shebang, missing interpreter...
            script.state = ScriptState.ERROR
            log.error("init script %s could not be started: %s", script.path, error)
            return
        try:
            assert process.stdout is not None
            await _relay_output(process.stdout, script.path.name)
            exit_code = await process.wait()
        except BaseException:
            # Cancelled (e.g. the server is stopping): do not leave the script running behind us.
            if process.returncode is None:
                process.kill()
                await process.wait()
            script.state = ScriptState.ERROR
            raise
        if exit_code == 0:
            script.state = ScriptState.SUCCESSFUL
        else:
            script.state = ScriptState.ERROR
            log.error("init script %s exited with code %s", script.path, exit_code)


async def _relay_output(stream: asyncio.StreamReader, name: str) -> None:
    """Log the script's output line by line as it comes (chunked: lines may be arbitrarily long)."""
    pending = b""
    while chunk := await stream.read(_READ_CHUNK):
        *lines, pending = (pending + chunk).split(b"\n")
        for line in lines:
            log.info("%s: %s", name, line.decode("utf-8", "replace").rstrip("\r"))
    if pending:
        log.info("%s: %s", name, pending.decode("utf-8", "replace").rstrip("\r"))
