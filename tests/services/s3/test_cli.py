"""The AWS CLI against S3: the high-level `aws s3` commands (mb, cp both ways, a 20 MiB file the
CLI sends as a multipart upload, sync of a directory tree both ways, ls, rm --recursive,
rb --force) and the `aws s3api` object calls, with files in tmp_path."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

BUCKET = "cli-bucket"
MIB = 1024 * 1024


def _ok(result) -> str:
    assert result.returncode == 0, (
        f"exit {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    )
    return result.stdout


@pytest.fixture
def cli_bucket(aws_cli) -> str:
    assert _ok(aws_cli("s3", "mb", f"s3://{BUCKET}")).strip() == f"make_bucket: {BUCKET}"
    return BUCKET


@pytest.fixture
def work(tmp_path) -> Path:
    """A directory for the test's files (tmp_path itself is the CLI's HOME)."""
    path = tmp_path / "work"
    path.mkdir()
    return path


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(MIB):
            digest.update(chunk)
    return digest.hexdigest()


def test_mb_then_ls_lists_the_bucket(aws_cli, cli_bucket, s3):
    assert cli_bucket in [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]
    listing = _ok(aws_cli("s3", "ls"))
    assert any(line.split()[-1] == cli_bucket for line in listing.splitlines())


def test_mb_of_another_accounts_bucket_fails(aws_cli, cli_bucket):
    taken = aws_cli("s3", "mb", f"s3://{cli_bucket}", access_key="111111111111")
    assert taken.returncode != 0
    assert "BucketAlreadyExists" in taken.stderr


def test_cp_a_small_file_up_and_down(aws_cli, cli_bucket, s3, work):
    source = work / "notes.txt"
    source.write_text("line one\nline two\n")
    out = _ok(aws_cli("s3", "cp", str(source), f"s3://{cli_bucket}/docs/notes.txt"))
    assert "upload: " in out and f"notes.txt to s3://{cli_bucket}/docs/notes.txt" in out
    stored = s3.get_object(Bucket=cli_bucket, Key="docs/notes.txt")
    assert stored["Body"].read() == source.read_bytes()
    assert stored["ContentType"] == "text/plain"  # the CLI guesses it from the extension
    target = work / "copy.txt"
    _ok(aws_cli("s3", "cp", f"s3://{cli_bucket}/docs/notes.txt", str(target)))
    assert target.read_bytes() == source.read_bytes()


def test_cp_of_a_missing_key_fails(aws_cli, cli_bucket, work):
    result = aws_cli("s3", "cp", f"s3://{cli_bucket}/nothing-here", str(work / "x"))
    assert result.returncode != 0
    assert "404" in result.stderr or "Not Found" in result.stderr
    assert not (work / "x").exists()


def test_cp_a_20_mib_file_goes_up_as_multipart_and_comes_back(aws_cli, cli_bucket, s3, work):
    source = work / "big.bin"
    with source.open("wb") as file:
        for index in range(20):
            file.write(hashlib.sha256(str(index).encode()).digest() * (MIB // 32))
    _ok(aws_cli("s3", "cp", str(source), f"s3://{cli_bucket}/big.bin"))
    head = s3.head_object(Bucket=cli_bucket, Key="big.bin")
    assert head["ContentLength"] == 20 * MIB
    # The CLI cuts 8 MiB parts: a multipart object's ETag ends with its part count.
    assert head["ETag"].strip('"').endswith("-3")
    assert s3.head_object(Bucket=cli_bucket, Key="big.bin", PartNumber=1)["ContentLength"] == 8 * MIB
    target = work / "big.copy"
    _ok(aws_cli("s3", "cp", f"s3://{cli_bucket}/big.bin", str(target)))
    assert target.stat().st_size == 20 * MIB
    assert _sha256(target) == _sha256(source)


def test_sync_a_tree_up_and_back(aws_cli, cli_bucket, s3, work):
    source = work / "site"
    (source / "css").mkdir(parents=True)
    (source / "img" / "icons").mkdir(parents=True)
    (source / "index.html").write_text("<h1>hi</h1>")
    (source / "css" / "site.css").write_text("body { margin: 0 }")
    (source / "img" / "logo.png").write_bytes(os.urandom(70 * 1024))
    (source / "img" / "icons" / "a b.svg").write_text("<svg/>")
    (source / "empty.txt").write_bytes(b"")
    an_hour_ago = time.time() - 3600  # older than the upload, even at S3's one-second precision
    for path in source.rglob("*"):
        os.utime(path, (an_hour_ago, an_hour_ago))
    out = _ok(aws_cli("s3", "sync", str(source), f"s3://{cli_bucket}/site"))
    assert out.count("upload:") == 5
    keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=cli_bucket)["Contents"])
    assert keys == [
        "site/css/site.css",
        "site/empty.txt",
        "site/img/icons/a b.svg",
        "site/img/logo.png",
        "site/index.html",
    ]
    # Nothing changed: a second sync transfers nothing.
    assert "upload:" not in _ok(aws_cli("s3", "sync", str(source), f"s3://{cli_bucket}/site"))
    back = work / "back"
    _ok(aws_cli("s3", "sync", f"s3://{cli_bucket}/site", str(back)))
    assert _tree(back) == _tree(source)
    # A changed file goes up again, alone.
    (source / "index.html").write_text("<h1>hello again</h1>")
    again = _ok(aws_cli("s3", "sync", str(source), f"s3://{cli_bucket}/site"))
    assert again.count("upload:") == 1 and "index.html" in again


def test_ls_shows_prefixes_and_recursive_lists_every_key(aws_cli, cli_bucket, s3):
    for key, body in {
        "a.txt": b"1",
        "logs/2025/01.log": b"22",
        "logs/2025/02.log": b"333",
        "tmp/x": b"",
    }.items():
        s3.put_object(Bucket=cli_bucket, Key=key, Body=body)
    top = _ok(aws_cli("s3", "ls", f"s3://{cli_bucket}/")).splitlines()
    assert [line.split() for line in top if "PRE" in line] == [["PRE", "logs/"], ["PRE", "tmp/"]]
    files = [line.split() for line in top if "PRE" not in line]
    assert [(parts[-2], parts[-1]) for parts in files] == [("1", "a.txt")]
    nested = _ok(aws_cli("s3", "ls", f"s3://{cli_bucket}/logs/2025/")).splitlines()
    assert [line.split()[-1] for line in nested] == ["01.log", "02.log"]
    recursive = _ok(aws_cli("s3", "ls", f"s3://{cli_bucket}", "--recursive")).splitlines()
    assert [(line.split()[-2], line.split()[-1]) for line in recursive] == [
        ("1", "a.txt"),
        ("2", "logs/2025/01.log"),
        ("3", "logs/2025/02.log"),
        ("0", "tmp/x"),
    ]


def test_ls_of_a_missing_bucket_fails(aws_cli):
    result = aws_cli("s3", "ls", "s3://no-such-bucket-anywhere")
    assert result.returncode != 0
    assert "NoSuchBucket" in result.stderr


def test_rm_recursive_removes_a_prefix(aws_cli, cli_bucket, s3):
    for key in ("keep.txt", "old/1.txt", "old/2/3.txt"):
        s3.put_object(Bucket=cli_bucket, Key=key, Body=b"x")
    out = _ok(aws_cli("s3", "rm", f"s3://{cli_bucket}/old", "--recursive"))
    assert out.count("delete:") == 2
    assert [item["Key"] for item in s3.list_objects_v2(Bucket=cli_bucket)["Contents"]] == ["keep.txt"]


def test_rb_refuses_a_full_bucket_unless_forced(aws_cli, cli_bucket, s3):
    for index in range(3):
        s3.put_object(Bucket=cli_bucket, Key=f"f{index}", Body=b"x")
    refused = aws_cli("s3", "rb", f"s3://{cli_bucket}")
    assert refused.returncode != 0 and "BucketNotEmpty" in refused.stderr
    out = _ok(aws_cli("s3", "rb", f"s3://{cli_bucket}", "--force"))
    assert f"remove_bucket: {cli_bucket}" in out
    assert cli_bucket not in [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]


def test_s3api_object_calls(aws_cli, cli_bucket, work):
    body = work / "data.json"
    body.write_text('{"answer": 42}')
    put = json.loads(
        _ok(
            aws_cli(
                "s3api",
                "put-object",
                "--bucket",
                cli_bucket,
                "--key",
                "data/answer.json",
                "--body",
                str(body),
                "--content-type",
                "application/json",
                "--metadata",
                "origin=cli",
            )
        )
    )
    expected_etag = '"' + hashlib.md5(body.read_bytes(), usedforsecurity=False).hexdigest() + '"'
    assert put["ETag"] == expected_etag
    head = json.loads(
        _ok(aws_cli("s3api", "head-object", "--bucket", cli_bucket, "--key", "data/answer.json"))
    )
    assert head["ContentLength"] == body.stat().st_size
    assert head["ContentType"] == "application/json"
    assert head["Metadata"] == {"origin": "cli"}
    target = work / "fetched.json"
    got = json.loads(
        _ok(aws_cli("s3api", "get-object", "--bucket", cli_bucket, "--key", "data/answer.json", str(target)))
    )
    assert got["ETag"] == expected_etag and got["ContentLength"] == body.stat().st_size
    assert target.read_bytes() == body.read_bytes()
    listed = json.loads(_ok(aws_cli("s3api", "list-objects-v2", "--bucket", cli_bucket, "--prefix", "data/")))
    assert [(item["Key"], item["Size"], item["ETag"]) for item in listed["Contents"]] == [
        ("data/answer.json", body.stat().st_size, expected_etag)
    ]
    assert listed["Prefix"] == "data/"


def test_s3api_head_object_of_a_missing_key(aws_cli, cli_bucket):
    result = aws_cli("s3api", "head-object", "--bucket", cli_bucket, "--key", "missing")
    assert result.returncode != 0
    assert "404" in result.stderr
