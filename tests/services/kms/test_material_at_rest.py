"""Key material at rest: sealed under the data directory's master key (a 0600 file), never in
plaintext in the database, and still usable after a restart on the same data directory."""

from __future__ import annotations

import os
import stat

import boto3
import pytest

from stratus.testing import StratusServer

from .test_imports import import_material

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("STRATUS_ENDPOINT")), reason="reads the in-process server's data directory"
)


def test_the_master_key_file_is_private(kms, key_id, stratus_server):
    path = stratus_server.runtime.data_dir / "kms-master.key"
    assert path.stat().st_size == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_no_key_material_in_plaintext_in_the_database(kms, stratus_server):
    key_id = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    material = os.urandom(32)
    import_material(kms, key_id, material)
    kms.encrypt(KeyId=key_id, Plaintext=b"x")
    data_dir = stratus_server.runtime.data_dir
    master = (data_dir / "kms-master.key").read_bytes()
    assert (data_dir / "kms.db").exists()  # the scan below must read the real database
    for name in ("kms.db", "kms.db-wal"):
        path = data_dir / name
        if path.exists():
            content = path.read_bytes()
            assert material not in content
            assert master not in content


def _client(endpoint: str):
    return boto3.client(
        "kms",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def test_keys_survive_a_restart(tmp_path):
    with StratusServer(data_dir=tmp_path) as server:
        kms = _client(server.endpoint)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=key_id)
        blob = kms.encrypt(KeyId=key_id, Plaintext=b"durable", EncryptionContext={"k": "v"})["CiphertextBlob"]
    with StratusServer(data_dir=tmp_path) as server:
        kms = _client(server.endpoint)
        assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"k": "v"})["Plaintext"] == b"durable"
        assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
