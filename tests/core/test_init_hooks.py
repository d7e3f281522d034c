"""Init hooks with real scripts: ordering, states, failures, output logging."""

import asyncio
import logging
import stat
import sys
from pathlib import Path

import pytest

from stratus.core.init_hooks import (
    InitHooks,
    ScriptStatus,
    UnknownStageError,
    default_init_dirs,
    find_stage_scripts,
    normalize_stage,
)


def write(path: Path, text: str, *, executable: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    mode = path.stat().st_mode
    path.chmod(mode | stat.S_IXUSR if executable else mode & ~(stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH))
    return path


def sh(body: str) -> str:
    return "#!/bin/sh\n" + body + "\n"


def names(report_scripts: tuple[ScriptStatus, ...]) -> list[tuple[str, str]]:
    return [(s.name, s.state) for s in report_scripts]


def test_stage_names() -> None:
    assert normalize_stage("ready") == "READY"
    assert normalize_stage("Shutdown") == "SHUTDOWN"
    with pytest.raises(UnknownStageError):
        normalize_stage("later")


def test_default_init_dirs(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    assert default_init_dirs({}, localstack_dir=missing) == []
    assert default_init_dirs({"STRATUS_INIT_DIR": "/x/init"}, localstack_dir=missing) == [Path("/x/init")]
    both = default_init_dirs({"STRATUS_INIT_DIR": str(tmp_path / "mine")}, localstack_dir=tmp_path)
    assert both == [tmp_path / "mine", tmp_path]
    # The same directory named twice is used once.
    assert default_init_dirs({"STRATUS_INIT_DIR": str(tmp_path)}, localstack_dir=tmp_path) == [tmp_path]


def test_discovery_order_and_filtering(tmp_path: Path) -> None:
    ready = tmp_path / "ready.d"
    write(ready / "b.sh", sh("true"))
    write(ready / "a.py", "pass\n", executable=False)
    write(ready / "c.txt", "ignored")
    write(ready / "README", "ignored")
    write(ready / "sub2" / "z.sh", sh("true"))
    write(ready / "sub1" / "y.sh", sh("true"))
    write(ready / "sub1" / "deeper" / "x.py", "pass\n")
    write(ready / "B.sh", sh("true"))
    found = [p.relative_to(ready).as_posix() for p in find_stage_scripts(tmp_path, "ready")]
    # files of a folder first (code-point order), then subfolders alphabetically, depth first
    assert found == ["B.sh", "a.py", "b.sh", "sub1/y.sh", "sub1/deeper/x.py", "sub2/z.sh"]
    assert find_stage_scripts(tmp_path, "BOOT") == []


def test_run_stage_states_order_env_and_failures(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "out.txt"
    ready = tmp_path / "init" / "ready.d"
    write(ready / "01-first.sh", sh(f'echo "first $GREETING" >> "{out}"\necho hello from sh'))
    write(ready / "02-broken.sh", sh('echo "broken ran" >> "' + str(out) + '"\necho oops >&2\nexit 3'))
    write(ready / "03-not-executable.sh", sh(f'echo "must not run" >> "{out}"'), executable=False)
    write(
        ready / "04-python.py",
        f"import os, sys\nopen({str(out)!r}, 'a').write('python ' + os.environ['GREETING'] + ' '"
        " + sys.executable + '\\n')\nprint('hello from py')\n",
        executable=False,
    )
    write(ready / "05-raises.py", "raise SystemExit('python failure')\n")
    write(ready / "06-last.sh", sh(f'echo last >> "{out}"'))
    write(tmp_path / "init" / "start.d" / "s.sh", sh("true"))

    hooks = InitHooks([tmp_path / "init"])
    before = hooks.report()
    assert before.completed == {"BOOT": False, "START": False, "READY": False, "SHUTDOWN": False}
    assert [s.stage for s in before.scripts] == ["START"] + ["READY"] * 6
    assert all(s.state == "UNKNOWN" for s in before.scripts)

    with caplog.at_level(logging.INFO, logger="stratus.init"):
        asyncio.run(hooks.run_stage("ready", {"GREETING": "hi"}))

    assert out.read_text().splitlines() == [
        "first hi",
        "broken ran",
        f"python hi {sys.executable}",
        "last",
    ]
    stage = hooks.stage_report("READY")
    assert stage.completed is True
    assert names(stage.scripts) == [
        ("01-first.sh", "SUCCESSFUL"),
        ("02-broken.sh", "ERROR"),
        ("03-not-executable.sh", "ERROR"),
        ("04-python.py", "SUCCESSFUL"),
        ("05-raises.py", "ERROR"),
        ("06-last.sh", "SUCCESSFUL"),
    ]
    after = hooks.report()
    assert after.completed == {"BOOT": False, "START": False, "READY": True, "SHUTDOWN": False}
    assert names(hooks.stage_report("start").scripts) == [("s.sh", "UNKNOWN")]

    logged = [r.getMessage() for r in caplog.records if r.name == "stratus.init"]
    assert "01-first.sh: hello from sh" in logged
    assert "02-broken.sh: oops" in logged
    assert "04-python.py: hello from py" in logged
    assert "05-raises.py: python failure" in logged
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("02-broken.sh" in m and "3" in m for m in errors)
    assert any("03-not-executable.sh" in m and "Permission denied" in m for m in errors)


def test_stage_runs_once(tmp_path: Path) -> None:
    counter = tmp_path / "count"
    write(tmp_path / "start.d" / "count.sh", sh(f'echo x >> "{counter}"'))
    hooks = InitHooks([tmp_path])

    async def twice() -> None:
        await hooks.run_stage("START", {})
        await hooks.run_stage("start", {})

    asyncio.run(twice())
    assert counter.read_text() == "x\n"


def test_several_dirs_run_dir_by_dir(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first, second = tmp_path / "first", tmp_path / "second"
    write(second / "shutdown.d" / "a.sh", sh(f'echo second-a >> "{out}"'))
    write(first / "shutdown.d" / "b.sh", sh(f'echo first-b >> "{out}"'))
    hooks = InitHooks([first, second])
    asyncio.run(hooks.run_stage("SHUTDOWN", {}))
    assert out.read_text().splitlines() == ["first-b", "second-a"]
    assert [s.name for s in hooks.report().scripts] == ["b.sh", "a.sh"]


def test_running_state_visible_while_script_runs(tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    write(tmp_path / "ready.d" / "wait.sh", sh(f'while [ ! -e "{gate}" ]; do sleep 0.01; done'))
    hooks = InitHooks([tmp_path])

    async def scenario() -> list[str]:
        seen = []
        task = asyncio.create_task(hooks.run_stage("READY", {}))
        for _ in range(500):  # the event loop stays free while the script runs
            await asyncio.sleep(0.01)
            state = hooks.stage_report("READY").scripts[0].state
            if state == "RUNNING":
                break
        seen.append(state)
        seen.append(str(hooks.stage_report("READY").completed))
        gate.touch()
        await task
        seen.append(hooks.stage_report("READY").scripts[0].state)
        return seen

    assert asyncio.run(scenario()) == ["RUNNING", "False", "SUCCESSFUL"]


def test_long_output_line_and_no_trailing_newline(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(
        tmp_path / "ready.d" / "long.py",
        "import sys\nsys.stdout.write('a' * 200000 + '\\n' + 'tail')\n",
    )
    hooks = InitHooks([tmp_path])
    with caplog.at_level(logging.INFO, logger="stratus.init"):
        asyncio.run(hooks.run_stage("READY", {}))
    logged = [r.getMessage() for r in caplog.records if r.name == "stratus.init"]
    assert "long.py: " + "a" * 200000 in logged
    assert "long.py: tail" in logged
    assert hooks.stage_report("READY").scripts[0].state == "SUCCESSFUL"


def test_missing_shebang_is_error(tmp_path: Path) -> None:
    write(tmp_path / "ready.d" / "noshebang.sh", "\x7fELF-not-really\n")
    hooks = InitHooks([tmp_path])
    asyncio.run(hooks.run_stage("READY", {}))
    assert hooks.stage_report("READY").scripts[0].state == "ERROR"


def test_no_dirs_reports_nothing() -> None:
    hooks = InitHooks([])
    asyncio.run(hooks.run_stage("BOOT", {}))
    report = hooks.report()
    assert report.scripts == ()
    assert report.completed == {"BOOT": True, "START": False, "READY": False, "SHUTDOWN": False}
    with pytest.raises(UnknownStageError):
        hooks.stage_report("nope")
