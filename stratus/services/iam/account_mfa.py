"""Virtual MFA devices: create, enable with two consecutive TOTP codes, resync, deactivate, delete, tags.

A device belongs to the account until EnableMFADevice assigns it to a user; DeactivateMFADevice
unassigns it again (it stays in the account, as AWS keeps it, until DeleteVirtualMFADevice).
"""

from __future__ import annotations

import base64
import os
from datetime import datetime
from typing import Any
from urllib.parse import quote

import pyotp

from stratus.core.context import RequestContext
from stratus.services.iam.account_qrcode import qr_png
from stratus.services.iam.account_store import (
    TOTP_PERIOD,
    mfa_device,
    record_mfa_time_step,
    tags_from,
    to_text,
)
from stratus.services.iam.account_support import (
    AccountMixin,
    caller_user_name,
    list_page,
    merged_tags,
    require_user,
    tag_page,
    tags_json,
    user_shape,
    without_tags,
)
from stratus.services.iam.common import (
    DeleteConflict,
    EntityAlreadyExists,
    InvalidAuthenticationCode,
    LimitExceeded,
    NoSuchEntity,
    validate_path,
)
from stratus.store.sqlite import Database

# An IAM user can have up to 8 MFA devices assigned (IAM quotas).
MAX_DEVICES_PER_USER = 8
# EnableMFADevice accepts a pair of codes from the last few steps; resync looks much further,
# since the device's clock is presumed to have drifted.
ENABLE_LOOKBACK_STEPS = 2
RESYNC_WINDOW_STEPS = 20
ISSUER = "Amazon Web Services"


def _no_device(serial_number: str) -> NoSuchEntity:
    return NoSuchEntity(f"VirtualMFADevice with serial number {serial_number} doesn't exist.")


def _require_device(db: Database, account_id: str, serial_number: str) -> dict[str, Any]:
    device = mfa_device(db, account_id, serial_number)
    if device is None:
        raise _no_device(serial_number)
    return device


def _consecutive_step(seed: str, code1: str, code2: str, now: datetime, back: int, ahead: int) -> int | None:
    """The time step s (within `back` steps before and `ahead` after now) with code1 at s and code2
    at s + 1, else None."""
    if not all(isinstance(c, str) and len(c) == 6 and c.isdigit() for c in (code1, code2)):
        return None
    totp = pyotp.TOTP(seed)
    current = int(now.timestamp()) // TOTP_PERIOD
    for step in sorted(range(current - back, current + ahead + 1), key=lambda s: abs(s - current)):
        if totp.at(step * TOTP_PERIOD) == code1 and totp.at((step + 1) * TOTP_PERIOD) == code2:
            return step
    return None


def otpauth_uri(device_name: str, account_label: str, seed: str) -> str:
    """The provisioning URI the QR code carries (AWS: `otpauth://totp/$name@$account?secret=$seed`)."""
    label = quote(f"{ISSUER}:{device_name}@{account_label}", safe=":@")
    return f"otpauth://totp/{label}?secret={seed}&issuer={quote(ISSUER)}"


class MfaOperations(AccountMixin):
    async def create_virtual_mfa_device(self, ctx: RequestContext, req: dict) -> dict:
        name = req["VirtualMFADeviceName"]
        path = validate_path(req.get("Path"))
        serial = f"arn:{ctx.partition}:iam::{ctx.account_id}:mfa{path}{name}"
        tags = merged_tags([], req.get("Tags"))
        seed = base64.b32encode(os.urandom(40)).decode("ascii")  # 64 characters, as AWS's seeds
        # Drawing the QR code takes a few tens of milliseconds: not on the event loop.
        png = await ctx.offload(qr_png, otpauth_uri(name, ctx.account_id, seed))
        db = self.db()
        if mfa_device(db, ctx.account_id, serial) is not None:
            raise EntityAlreadyExists("MFADevice entity at the same path and name already exists.")
        db.execute(
            "INSERT INTO mfa_devices (account_id, serial_number, name, path, seed_base32, create_date, tags) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (ctx.account_id, serial, name, path, seed, to_text(ctx.time), tags_json(tags)),
        )
        self.changed()
        device: dict[str, Any] = {
            "SerialNumber": serial,
            "Base32StringSeed": seed.encode("ascii"),
            "QRCodePNG": png,
        }
        if tags:
            device["Tags"] = tags
        return {"VirtualMFADevice": device}

    def enable_mfa_device(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = require_user(db, ctx.account_id, req["UserName"])
        serial = req["SerialNumber"]
        device = _require_device(db, ctx.account_id, serial)
        if device["user_name"] is not None:
            raise EntityAlreadyExists("MFA Device is already in use.")
        count = db.query_one(
            "SELECT COUNT(*) FROM mfa_devices WHERE account_id = ? AND user_name = ?",
            (ctx.account_id, user["user_name"]),
        )[0]
        if count >= MAX_DEVICES_PER_USER:
            raise LimitExceeded(f"Cannot exceed quota for MFADevicesPerUser: {MAX_DEVICES_PER_USER}")
        step = _consecutive_step(
            device["seed_base32"],
            req["AuthenticationCode1"],
            req["AuthenticationCode2"],
            ctx.time,
            back=ENABLE_LOOKBACK_STEPS,
            ahead=0,
        )
        if step is None:
            raise InvalidAuthenticationCode("Authentication code for device is not valid.")
        with db.transaction():
            db.execute(
                "UPDATE mfa_devices SET user_name = ?, enabled = 1, enable_date = ? "
                "WHERE account_id = ? AND serial_number = ?",
                (user["user_name"], to_text(ctx.time), ctx.account_id, serial),
            )
            # The two codes used here must not open a session afterwards.
            record_mfa_time_step(db, ctx.account_id, serial, step + 1)
        self.changed()
        return {}

    def _assigned_mfa_device(
        self, db: Database, account_id: str, user_name: str, serial: str
    ) -> dict[str, Any]:
        user = require_user(db, account_id, user_name)
        device = mfa_device(db, account_id, serial)
        if device is None or (device["user_name"] or "").lower() != user["user_name"].lower():
            raise NoSuchEntity(f"MFA Device with serial number {serial} does not exist.")
        return device

    def resync_mfa_device(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        serial = req["SerialNumber"]
        device = self._assigned_mfa_device(db, ctx.account_id, req["UserName"], serial)
        step = _consecutive_step(
            device["seed_base32"],
            req["AuthenticationCode1"],
            req["AuthenticationCode2"],
            ctx.time,
            back=RESYNC_WINDOW_STEPS,
            ahead=RESYNC_WINDOW_STEPS,
        )
        if step is None:
            raise InvalidAuthenticationCode("Authentication code for device is not valid.")
        record_mfa_time_step(db, ctx.account_id, serial, step + 1)
        self.changed()
        return {}

    def deactivate_mfa_device(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        serial = req["SerialNumber"]
        self._assigned_mfa_device(db, ctx.account_id, req["UserName"], serial)
        db.execute(
            "UPDATE mfa_devices SET user_name = NULL, enabled = 0, enable_date = NULL, last_time_step = NULL "
            "WHERE account_id = ? AND serial_number = ?",
            (ctx.account_id, serial),
        )
        self.changed()
        return {}

    def delete_virtual_mfa_device(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        serial = req["SerialNumber"]
        device = _require_device(db, ctx.account_id, serial)
        if device["user_name"] is not None:
            raise DeleteConflict("MFA device is still in use.")
        db.execute(
            "DELETE FROM mfa_devices WHERE account_id = ? AND serial_number = ?", (ctx.account_id, serial)
        )
        self.changed()
        return {}

    def list_mfa_devices(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user_name = req.get("UserName") or caller_user_name(ctx)
        if user_name is None:  # the root user: Stratus keeps no root MFA devices
            return list_page("MFADevices", [], req)
        user = require_user(db, ctx.account_id, user_name)
        rows = db.query(
            "SELECT serial_number, enable_date FROM mfa_devices WHERE account_id = ? AND user_name = ? "
            "ORDER BY enable_date, serial_number",
            (ctx.account_id, user["user_name"]),
        )
        devices = [
            {
                "UserName": user["user_name"],
                "SerialNumber": row["serial_number"],
                "EnableDate": datetime.fromisoformat(row["enable_date"]),
            }
            for row in rows
        ]
        return list_page("MFADevices", devices, req)

    def list_virtual_mfa_devices(self, ctx: RequestContext, req: dict) -> dict:
        from stratus.services.iam.store import get_user

        db = self.db()
        status = req.get("AssignmentStatus") or "Any"
        sql = "SELECT * FROM mfa_devices WHERE account_id = ?"
        if status == "Assigned":
            sql += " AND user_name IS NOT NULL"
        elif status == "Unassigned":
            sql += " AND user_name IS NULL"
        devices = []
        for row in db.query(sql + " ORDER BY serial_number", (ctx.account_id,)):
            device: dict[str, Any] = {"SerialNumber": row["serial_number"]}
            if row["user_name"] is not None:
                user = get_user(db, ctx.account_id, row["user_name"])
                if user is not None:
                    device["User"] = user_shape(user)
                device["EnableDate"] = datetime.fromisoformat(row["enable_date"])
            tags = tags_from(row["tags"])
            if tags:
                device["Tags"] = tags
            devices.append(device)
        return list_page("VirtualMFADevices", devices, req)

    def get_mfa_device(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        serial = req["SerialNumber"]
        user_name = req.get("UserName") or caller_user_name(ctx)
        device = mfa_device(db, ctx.account_id, serial)
        if device is None or device["user_name"] is None:
            raise NoSuchEntity(f"MFA Device with serial number {serial} does not exist.")
        if user_name is not None and device["user_name"].lower() != user_name.lower():
            raise NoSuchEntity(f"MFA Device with serial number {serial} does not exist.")
        return {"UserName": device["user_name"], "SerialNumber": serial, "EnableDate": device["enable_date"]}

    # ------------------------------------------------------------ tags

    def tag_mfa_device(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        device = _require_device(db, ctx.account_id, req["SerialNumber"])
        self._save_mfa_tags(
            db, ctx.account_id, device["serial_number"], merged_tags(device["tags"], req["Tags"])
        )
        return {}

    def untag_mfa_device(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        device = _require_device(db, ctx.account_id, req["SerialNumber"])
        self._save_mfa_tags(
            db, ctx.account_id, device["serial_number"], without_tags(device["tags"], req["TagKeys"])
        )
        return {}

    def list_mfa_device_tags(self, ctx: RequestContext, req: dict) -> dict:
        device = _require_device(self.db(), ctx.account_id, req["SerialNumber"])
        return tag_page(device["tags"], req)

    def _save_mfa_tags(self, db: Database, account_id: str, serial: str, tags: list[dict[str, str]]) -> None:
        db.execute(
            "UPDATE mfa_devices SET tags = ? WHERE account_id = ? AND serial_number = ?",
            (tags_json(tags), account_id, serial),
        )
        self.changed()
