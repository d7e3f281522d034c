"""The JavaScript SDK v3 (`@aws-sdk/client-s3`) against S3: CreateBucket, PutObject, GetObject,
ListObjectsV2 and a two-part multipart upload, run by node from an ES module; the SDK's own
defaults (flexible checksums, aws-chunked bodies) included.

The SDK is installed with npm into a cache directory outside the repository
(`$XDG_CACHE_HOME/stratus-js-sdk`, else `~/.cache/stratus-js-sdk`) and reused by later runs.
The test is skipped only when node or npm is missing, or when npm cannot reach its registry.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

SDK_PACKAGE = "@aws-sdk/client-s3"
SDK_RANGE = "^3"
INSTALL_TIMEOUT_SECONDS = 600
RUN_TIMEOUT_SECONDS = 120
# npm's words for a registry it cannot reach.
NETWORK_FAILURES = (
    "ENOTFOUND",
    "EAI_AGAIN",
    "ECONNREFUSED",
    "ECONNRESET",
    "ETIMEDOUT",
    "ENETUNREACH",
    "EHOSTUNREACH",
    "network",
    "socket hang up",
)
PART_SIZE = 5 * 1024 * 1024

pytestmark = pytest.mark.slow  # the first run downloads the SDK

SCRIPT = r"""
import { createRequire } from "node:module";

const require = createRequire(process.env.STRATUS_SDK_DIR + "/package.json");
const {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
} = require("@aws-sdk/client-s3");

const client = new S3Client({
  endpoint: process.env.STRATUS_ENDPOINT,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const Bucket = "js-sdk-bucket";
const out = {};

await client.send(new CreateBucketCommand({ Bucket }));
const put = await client.send(
  new PutObjectCommand({
    Bucket,
    Key: "greetings/hello.txt",
    Body: "hello from node",
    ContentType: "text/plain",
    Metadata: { origin: "js-sdk" },
  }),
);
out.put = { etag: put.ETag };

const got = await client.send(new GetObjectCommand({ Bucket, Key: "greetings/hello.txt" }));
out.get = {
  body: await got.Body.transformToString(),
  contentType: got.ContentType,
  contentLength: got.ContentLength,
  metadata: got.Metadata,
  etag: got.ETag,
};

const Key = "big/blob.bin";
const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key }));
const first = Buffer.alloc(Number(process.env.PART_SIZE), "a");
const second = Buffer.from("the short last part");
const one = await client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: first }));
const two = await client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: second }));
const done = await client.send(
  new CompleteMultipartUploadCommand({
    Bucket,
    Key,
    UploadId,
    MultipartUpload: { Parts: [{ PartNumber: 1, ETag: one.ETag }, { PartNumber: 2, ETag: two.ETag }] },
  }),
);
out.multipart = { parts: [one.ETag, two.ETag], etag: done.ETag, bucket: done.Bucket, key: done.Key };

const listed = await client.send(new ListObjectsV2Command({ Bucket }));
out.list = {
  keyCount: listed.KeyCount,
  contents: listed.Contents.map((item) => ({ key: item.Key, size: item.Size, etag: item.ETag })),
};

console.log(JSON.stringify(out));
"""


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "stratus-js-sdk"


@pytest.fixture(scope="session")
def js_sdk() -> Path:
    """The directory whose node_modules holds @aws-sdk/client-s3 (installed on first use)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed for the JavaScript SDK test")
    target = _cache_dir()
    target.mkdir(parents=True, exist_ok=True)
    installed = target / "node_modules" / "@aws-sdk" / "client-s3" / "package.json"
    with (target / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel workers install once
        if not installed.exists():
            manifest = {"name": "stratus-js-sdk", "private": True, "dependencies": {SDK_PACKAGE: SDK_RANGE}}
            (target / "package.json").write_text(json.dumps(manifest, indent=2))
            command = [npm, "install", "--prefix", str(target), "--no-audit", "--no-fund", "--loglevel=error"]
            try:
                result = subprocess.run(
                    command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_SECONDS
                )
            except subprocess.TimeoutExpired:
                pytest.skip(
                    f"npm could not install {SDK_PACKAGE} within {INSTALL_TIMEOUT_SECONDS} s (network?)"
                )
            if result.returncode != 0:
                output = result.stdout + result.stderr
                if any(word in output for word in NETWORK_FAILURES):
                    pytest.skip(f"npm cannot reach its registry to install {SDK_PACKAGE}:\n{output[-2000:]}")
                pytest.fail(f"npm install of {SDK_PACKAGE} failed:\n{output[-4000:]}")
    assert installed.exists(), f"{SDK_PACKAGE} is not in {target} after npm install"
    return target


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def test_js_sdk_round_trip(js_sdk, stratus_endpoint, s3, tmp_path):
    script = tmp_path / "round_trip.mjs"
    script.write_text(SCRIPT)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "STRATUS_SDK_DIR": str(js_sdk),
        "STRATUS_ENDPOINT": stratus_endpoint,
        "PART_SIZE": str(PART_SIZE),
        # No user configuration or credentials may leak into the SDK's default chain.
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
    }
    run = subprocess.run(
        [shutil.which("node") or "node", str(script)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=RUN_TIMEOUT_SECONDS,
    )
    assert run.returncode == 0, f"node failed:\n{run.stdout}\n{run.stderr}"
    out = json.loads(run.stdout.strip().splitlines()[-1])

    hello = b"hello from node"
    assert out["put"]["etag"] == f'"{_md5(hello)}"'
    assert out["get"] == {
        "body": hello.decode(),
        "contentType": "text/plain",
        "contentLength": len(hello),
        "metadata": {"origin": "js-sdk"},
        "etag": f'"{_md5(hello)}"',
    }

    first, second = b"a" * PART_SIZE, b"the short last part"
    part_digests = [hashlib.md5(part, usedforsecurity=False).digest() for part in (first, second)]
    expected_etag = f'"{hashlib.md5(b"".join(part_digests), usedforsecurity=False).hexdigest()}-2"'
    assert out["multipart"] == {
        "parts": [f'"{_md5(first)}"', f'"{_md5(second)}"'],
        "etag": expected_etag,
        "bucket": "js-sdk-bucket",
        "key": "big/blob.bin",
    }

    assert out["list"] == {
        "keyCount": 2,
        "contents": [
            {"key": "big/blob.bin", "size": len(first) + len(second), "etag": expected_etag},
            {"key": "greetings/hello.txt", "size": len(hello), "etag": f'"{_md5(hello)}"'},
        ],
    }
    # What node wrote, boto3 reads back byte for byte.
    stored = s3.get_object(Bucket="js-sdk-bucket", Key="big/blob.bin")["Body"].read()
    assert stored == first + second
