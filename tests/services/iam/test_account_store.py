"""The account-level lookups STS uses (MFA codes, OIDC issuers) and the MFA QR code, without HTTP."""

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


def test_the_qr_code_is_a_png_of_the_otpauth_uri():
    import segno

    uri = (
        "otpauth://totp/Amazon%20Web%20Services:alice@000000000000?secret=ABC&issuer=Amazon%20Web%20Services"
    )
    png = account_qrcode.qr_png(uri)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png.endswith(b"IEND\xaeB`\x82")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    symbol = segno.make(uri, error="m", micro=False)
    modules = symbol.symbol_size(scale=1, border=4)[0]
    assert width == height == modules * account_qrcode.SCALE
