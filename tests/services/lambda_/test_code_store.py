"""Extraction of deployment packages: path-safe, permission bits kept (no server needed)."""

import io
import os
import stat
import zipfile

import pytest

from stratus.services.lambda_ import code_store
from stratus.services.lambda_.common import InvalidParameterValue
from stratus.store.blobs import BlobStore

from .conftest import make_zip


def test_extracts_with_modes_and_skips_escaping_entries(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, mode in (
            ("bootstrap", 0o100755),
            ("lib/data.txt", 0o100644),
            ("../evil", 0o100644),
            ("/abs", 0o100644),
        ):
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            archive.writestr(info, "x")
        link = zipfile.ZipInfo("outside")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "../../etc/passwd")
        inside = zipfile.ZipInfo("lib/alias")
        inside.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(inside, "data.txt")
    store = BlobStore(tmp_path / "blobs")
    blob_id = code_store.store_zip(store, buffer.getvalue())
    root = code_store.extracted_code(store, tmp_path / "data", blob_id)
    assert root == tmp_path / "data" / "lambda-code" / blob_id
    assert os.access(root / "bootstrap", os.X_OK)
    assert (root / "lib" / "data.txt").read_text() == "x"
    assert (root / "lib" / "alias").read_text() == "x"
    assert not (root / "outside").exists() and not (root / "outside").is_symlink()
    assert not (tmp_path / "data" / "lambda-code" / "evil").exists()
    assert sorted(p.name for p in root.iterdir()) == ["bootstrap", "lib"]
    assert code_store.extracted_code(store, tmp_path / "data", blob_id) == root  # cached
    code_store.remove_extracted(tmp_path / "data", blob_id)
    assert not root.exists()


def test_check_zip():
    body = make_zip({"a": "hello"})
    checked = code_store.check_zip(body)
    assert (checked.size, checked.unzipped_size) == (len(body), 5)
    with pytest.raises(InvalidParameterValue):
        code_store.check_zip(b"PK\x03\x04broken")


def test_blob_id_is_validated(tmp_path):
    with pytest.raises(ValueError):
        code_store.extract_dir(tmp_path, "../../etc")
