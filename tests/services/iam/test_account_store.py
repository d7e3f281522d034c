"""The account-level lookups STS uses (MFA codes, OIDC issuers) and the QR code encoder, without HTTP."""

from datetime import UTC, datetime

import pyotp
import pytest

from stratus.services.iam import account_qrcode
from stratus.services.iam.account_store import (
    ACCOUNT_SCHEMA,
    accept_mfa_code,
    mfa_device,
    oidc_provider,
    oidc_provider_for_issuer,
    totp_matches,
    user_dependents,
)
from stratus.store.sqlite import Database

ACCOUNT = "000000000000"
SEED = pyotp.random_base32(64)
SERIAL = f"arn:aws:iam::{ACCOUNT}:mfa/alice"


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "iam.db", [ACCOUNT_SCHEMA])
    yield database
    database.close()


def _add_device(db, enabled: bool = True) -> None:
    db.execute(
        "INSERT INTO mfa_devices (account_id, serial_number, name, path, seed_base32, user_name, enabled, "
        "enable_date, create_date) VALUES (?, ?, 'alice', '/', ?, ?, ?, ?, ?)",
        (ACCOUNT, SERIAL, SEED, "alice" if enabled else None, int(enabled), "2025-01-01T00:00:00+00:00",
         "2025-01-01T00:00:00+00:00"),
    )  # fmt: skip


def test_totp_matches_within_one_step_of_drift():
    at = datetime(2025, 1, 1, 12, 0, 10, tzinfo=UTC)
    totp = pyotp.TOTP(SEED)
    for offset in (-30, 0, 30):
        assert totp_matches(SEED, totp.at(at.timestamp() + offset), at)
    stale = totp.at(at.timestamp() - 120)
    nearby = {totp.at(at.timestamp() + offset) for offset in (-30, 0, 30)}
    assert totp_matches(SEED, stale, at) == (stale in nearby)  # unequal unless codes happen to repeat
    assert not totp_matches(SEED, "12345", at)
    assert not totp_matches(SEED, "abcdef", at)


def test_mfa_device_lookup_and_single_use_codes(db):
    assert mfa_device(db, ACCOUNT, SERIAL) is None
    _add_device(db)
    device = mfa_device(db, ACCOUNT, SERIAL)
    assert device["user_name"] == "alice" and device["enabled"] is True and device["seed_base32"] == SEED
    assert device["enable_date"] == datetime(2025, 1, 1, tzinfo=UTC)
    assert mfa_device(db, "111122223333", SERIAL) is None

    at = datetime(2025, 6, 1, 8, 0, 0, tzinfo=UTC)
    code = pyotp.TOTP(SEED).at(at)
    assert accept_mfa_code(db, ACCOUNT, SERIAL, code, at)
    assert not accept_mfa_code(db, ACCOUNT, SERIAL, code, at)  # a code is accepted once
    later = datetime(2025, 6, 1, 8, 0, 30, tzinfo=UTC)
    assert accept_mfa_code(db, ACCOUNT, SERIAL, pyotp.TOTP(SEED).at(later), later)


def test_unassigned_devices_accept_no_codes(db):
    _add_device(db, enabled=False)
    at = datetime(2025, 6, 1, tzinfo=UTC)
    assert not accept_mfa_code(db, ACCOUNT, SERIAL, pyotp.TOTP(SEED).at(at), at)


def test_oidc_lookups_by_arn_and_issuer(db):
    arn = f"arn:aws:iam::{ACCOUNT}:oidc-provider/issuer.example.com/tenant"
    db.execute(
        "INSERT INTO oidc_providers (account_id, arn, url, client_ids, thumbprints, create_date) "
        "VALUES (?, ?, 'issuer.example.com/tenant', '[\"app\"]', '[]', '2025-01-01T00:00:00+00:00')",
        (ACCOUNT, arn),
    )
    provider = oidc_provider(db, ACCOUNT, arn)
    assert provider["url"] == "issuer.example.com/tenant" and provider["client_ids"] == ["app"]
    assert oidc_provider_for_issuer(db, ACCOUNT, "https://issuer.example.com/tenant")["arn"] == arn
    assert oidc_provider_for_issuer(db, ACCOUNT, "https://issuer.example.com/tenant/")["arn"] == arn
    assert oidc_provider_for_issuer(db, ACCOUNT, "https://issuer.example.com") is None
    assert oidc_provider_for_issuer(db, "111122223333", "https://issuer.example.com/tenant") is None


def test_user_dependents_in_aws_order(db):
    assert user_dependents(db, ACCOUNT, "alice") is None
    _add_device(db)
    assert user_dependents(db, ACCOUNT, "ALICE") == "Cannot delete entity, must delete MFA device first."
    db.execute(
        "INSERT INTO login_profiles (account_id, user_name, password_hash, create_date, password_changed) "
        "VALUES (?, 'alice', 'x', 'd', 'd')",
        (ACCOUNT,),
    )
    assert user_dependents(db, ACCOUNT, "alice") == "Cannot delete entity, must delete login profile first."


# ---------------------------------------------------------------- QR codes


def _read_back(matrix: list[list[bool]]) -> bytes:
    """Decode a level-M byte-mode symbol made by our encoder: format bits, unmask, zigzag, blocks."""
    size = len(matrix)
    version = (size - 17) // 4
    bits = 0
    for i in range(6):
        bits |= matrix[i][8] << i
    bits |= matrix[7][8] << 6 | matrix[8][8] << 7 | matrix[8][7] << 8
    for i in range(9, 15):
        bits |= matrix[8][14 - i] << i
    data = (bits ^ 0x5412) >> 10
    assert data >> 3 == 0  # level M
    mask = data & 7
    symbol = account_qrcode._Symbol(version)  # to know which modules are function patterns
    test = account_qrcode._MASKS[mask]
    stream: list[int] = []
    right = size - 1
    while right >= 1:
        if right == 6:
            right = 5
        upward = ((right + 1) & 2) == 0
        for vertical in range(size):
            y = size - 1 - vertical if upward else vertical
            for x in (right, right - 1):
                if not symbol.function[y][x]:
                    stream.append(int(matrix[y][x] ^ test(x, y)))
        right -= 2
    codewords = [int("".join(map(str, stream[i : i + 8])), 2) for i in range(0, len(stream) - 7, 8)]
    blocks = account_qrcode._BLOCKS_M[version]
    ecc = account_qrcode._ECC_PER_BLOCK_M[version]
    raw = account_qrcode.raw_data_modules(version) // 8
    short = blocks - raw % blocks
    lengths = [raw // blocks - ecc + (1 if i >= short else 0) for i in range(blocks)]
    data_blocks: list[list[int]] = [[] for _ in range(blocks)]
    position = 0
    for i in range(max(lengths)):
        for j in range(blocks):
            if i < lengths[j]:
                data_blocks[j].append(codewords[position])
                position += 1
    for j in range(blocks):  # every block's error correction must check out
        block_ecc = [codewords[position + i * blocks + j] for i in range(ecc)]
        assert account_qrcode.rs_remainder(data_blocks[j], ecc) == block_ecc
    payload_bits = "".join(f"{byte:08b}" for block in data_blocks for byte in block)
    assert payload_bits[:4] == "0100"
    count_bits = 8 if version <= 9 else 16
    length = int(payload_bits[4 : 4 + count_bits], 2)
    start = 4 + count_bits
    return bytes(int(payload_bits[start + 8 * i : start + 8 * i + 8], 2) for i in range(length))


@pytest.mark.parametrize("length", [1, 17, 150, 400, 1200])
def test_qr_code_round_trips(length):
    payload = bytes((i * 7 + 3) % 256 for i in range(length))
    matrix = account_qrcode.qr_matrix(payload)
    assert _read_back(matrix) == payload


def test_qr_code_tables_match_the_standard_capacities():
    # Data codewords at level M (ISO/IEC 18004 table 7) for a few versions.
    expected = {1: 16, 2: 28, 5: 86, 10: 216, 20: 669, 27: 1128, 40: 2334}
    assert {v: account_qrcode.data_codewords(v) for v in expected} == expected


def test_png_is_well_formed():
    png = account_qrcode.qr_png("otpauth://totp/x?secret=ABC")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png.endswith(b"IEND\xaeB`\x82")
