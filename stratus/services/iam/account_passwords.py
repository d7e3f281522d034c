"""The account password policy, users' console passwords (login profiles) and ChangePassword.

Passwords are kept only as salted scrypt hashes. Hashing is deliberately slow, so it runs in a worker
thread (`ctx.offload`) and the operations that hash are `async`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.iam.account_store import from_text, to_text
from stratus.services.iam.account_support import AccountMixin, caller_user_name, require_user
from stratus.services.iam.common import (
    EntityAlreadyExists,
    IamValidationError,
    NoSuchEntity,
    PasswordPolicyViolation,
)
from stratus.store.sqlite import Database

SYMBOLS = frozenset("!@#$%^&*()_+-=[]{}|'")
POLICY_VIOLATION = "Password does not conform to the account password policy."
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class InvalidUserType(ServiceError):
    code = "InvalidUserType"
    status = 400


class AccessDenied(ServiceError):
    code = "AccessDenied"
    status = 403


# ---------------------------------------------------------------- hashing


def hash_password(password: str) -> str:
    """`scrypt$<salt>$<hash>` (base64); never the password itself."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def password_matches(password: str, stored: str) -> bool:
    _scheme, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), dklen=32, **_SCRYPT)
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def matches_any(password: str, hashes: list[str]) -> bool:
    return any(password_matches(password, stored) for stored in hashes)


# ---------------------------------------------------------------- the policy


def password_policy(db: Database, account_id: str) -> dict[str, Any] | None:
    """The account's custom password policy as IAM returns it, or None (the AWS default applies)."""
    row = db.query_one("SELECT * FROM password_policy WHERE account_id = ?", (account_id,))
    if row is None:
        return None
    policy: dict[str, Any] = {
        "MinimumPasswordLength": row["minimum_password_length"],
        "RequireSymbols": bool(row["require_symbols"]),
        "RequireNumbers": bool(row["require_numbers"]),
        "RequireUppercaseCharacters": bool(row["require_uppercase"]),
        "RequireLowercaseCharacters": bool(row["require_lowercase"]),
        "AllowUsersToChangePassword": bool(row["allow_users_to_change"]),
        "ExpirePasswords": row["max_password_age"] is not None,
    }
    if row["max_password_age"] is not None:
        policy["MaxPasswordAge"] = row["max_password_age"]
    if row["password_reuse_prevention"] is not None:
        policy["PasswordReusePrevention"] = row["password_reuse_prevention"]
    if row["hard_expiry"] is not None:
        policy["HardExpiry"] = bool(row["hard_expiry"])
    return policy


def conforms(password: str, policy: dict[str, Any] | None) -> bool:
    """Whether the password meets the custom policy, or AWS's default one when there is none
    (8 to 128 characters, at least three of: upper case, lower case, digits, symbols)."""
    upper = any("A" <= c <= "Z" for c in password)
    lower = any("a" <= c <= "z" for c in password)
    digit = any("0" <= c <= "9" for c in password)
    symbol = any(c in SYMBOLS for c in password)
    if policy is None:
        return 8 <= len(password) <= 128 and upper + lower + digit + symbol >= 3
    return not (
        len(password) < policy["MinimumPasswordLength"]
        or (policy["RequireUppercaseCharacters"] and not upper)
        or (policy["RequireLowercaseCharacters"] and not lower)
        or (policy["RequireNumbers"] and not digit)
        or (policy["RequireSymbols"] and not symbol)
    )


def _check_password(db: Database, account_id: str, password: str) -> None:
    if not conforms(password, password_policy(db, account_id)):
        raise PasswordPolicyViolation(POLICY_VIOLATION)


# ---------------------------------------------------------------- login profiles


def login_profile(db: Database, account_id: str, user_name: str) -> dict[str, Any] | None:
    row = db.query_one(
        "SELECT * FROM login_profiles WHERE account_id = ? AND user_name = ?", (account_id, user_name)
    )
    if row is None:
        return None
    return {
        "user_name": row["user_name"],
        "password_hash": row["password_hash"],
        "password_reset_required": bool(row["password_reset_required"]),
        "create_date": from_text(row["create_date"]),
        "password_changed": from_text(row["password_changed"]),
        "previous_hashes": json.loads(row["previous_hashes"]),
    }


def _require_profile(db: Database, account_id: str, user_name: str) -> dict[str, Any]:
    profile = login_profile(db, account_id, user_name)
    if profile is None:
        raise NoSuchEntity(f"Login Profile for User {user_name} cannot be found.")
    return profile


def _target_user(ctx: RequestContext, req: dict) -> str:
    """UserName, or the calling IAM user when it is left out."""
    user_name = req.get("UserName") or caller_user_name(ctx)
    if user_name is None:
        raise IamValidationError("Must specify userName when calling with non-User credentials")
    return user_name


class PasswordOperations(AccountMixin):
    # ------------------------------------------------------------ account password policy

    def update_account_password_policy(self, ctx: RequestContext, req: dict) -> dict:
        # The model's ranges (length 6..128, age 1..1095, reuse 1..24) are checked by the dispatcher.
        minimum = req.get("MinimumPasswordLength") or 6
        max_age = req.get("MaxPasswordAge") or None  # 0 means "never expires"
        reuse = req.get("PasswordReusePrevention") or None
        hard_expiry = req.get("HardExpiry")
        db = self.db()
        # Every field left out takes its default: the call replaces the whole policy.
        db.execute(
            "INSERT INTO password_policy (account_id, minimum_password_length, require_symbols, "
            "require_numbers, require_uppercase, require_lowercase, allow_users_to_change, max_password_age, "
            "password_reuse_prevention, hard_expiry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (account_id) DO UPDATE SET minimum_password_length = excluded.minimum_password_length, "
            "require_symbols = excluded.require_symbols, require_numbers = excluded.require_numbers, "
            "require_uppercase = excluded.require_uppercase, require_lowercase = excluded.require_lowercase, "
            "allow_users_to_change = excluded.allow_users_to_change, max_password_age = excluded.max_password_age, "
            "password_reuse_prevention = excluded.password_reuse_prevention, hard_expiry = excluded.hard_expiry",
            (
                ctx.account_id,
                minimum,
                int(bool(req.get("RequireSymbols"))),
                int(bool(req.get("RequireNumbers"))),
                int(bool(req.get("RequireUppercaseCharacters"))),
                int(bool(req.get("RequireLowercaseCharacters"))),
                int(bool(req.get("AllowUsersToChangePassword"))),
                max_age,
                reuse,
                None if hard_expiry is None else int(hard_expiry),
            ),
        )
        self.changed()
        return {}

    def get_account_password_policy(self, ctx: RequestContext, req: dict) -> dict:
        policy = password_policy(self.db(), ctx.account_id)
        if policy is None:
            raise NoSuchEntity(f"The Password Policy with domain name {ctx.account_id} cannot be found.")
        return {"PasswordPolicy": policy}

    def delete_account_password_policy(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        if password_policy(db, ctx.account_id) is None:
            raise NoSuchEntity(f"The account policy with name {ctx.account_id} cannot be found.")
        db.execute("DELETE FROM password_policy WHERE account_id = ?", (ctx.account_id,))
        self.changed()
        return {}

    # ------------------------------------------------------------ login profiles

    async def create_login_profile(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = require_user(db, ctx.account_id, _target_user(ctx, req))
        password = req.get("Password")
        if password is None:
            raise IamValidationError("Password is required when creating a login profile for an IAM user.")
        if login_profile(db, ctx.account_id, user["user_name"]) is not None:
            raise EntityAlreadyExists(f"Login Profile for user {user['user_name']} already exists.")
        _check_password(db, ctx.account_id, password)
        hashed = await ctx.offload(hash_password, password)
        reset = bool(req.get("PasswordResetRequired"))
        try:
            db.execute(
                "INSERT INTO login_profiles (account_id, user_name, password_hash, password_reset_required, "
                "create_date, password_changed) VALUES (?, ?, ?, ?, ?, ?)",
                (ctx.account_id, user["user_name"], hashed, int(reset), to_text(ctx.time), to_text(ctx.time)),
            )
        except Exception as error:  # created meanwhile, while the hash was computed
            if login_profile(db, ctx.account_id, user["user_name"]) is not None:
                raise EntityAlreadyExists(
                    f"Login Profile for user {user['user_name']} already exists."
                ) from error
            raise
        self.changed()
        return {
            "LoginProfile": {
                "UserName": user["user_name"],
                "CreateDate": ctx.time,
                "PasswordResetRequired": reset,
            }
        }

    def get_login_profile(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = require_user(db, ctx.account_id, _target_user(ctx, req))
        profile = _require_profile(db, ctx.account_id, user["user_name"])
        return {
            "LoginProfile": {
                "UserName": user["user_name"],
                "CreateDate": profile["create_date"],
                "PasswordResetRequired": profile["password_reset_required"],
            }
        }

    async def update_login_profile(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = require_user(db, ctx.account_id, req["UserName"])
        _require_profile(db, ctx.account_id, user["user_name"])
        password = req.get("Password")
        if password is not None:
            _check_password(db, ctx.account_id, password)
            hashed = await ctx.offload(hash_password, password)
            self._store_login_password(db, ctx, user["user_name"], hashed)
        if req.get("PasswordResetRequired") is not None:
            db.execute(
                "UPDATE login_profiles SET password_reset_required = ? WHERE account_id = ? AND user_name = ?",
                (int(req["PasswordResetRequired"]), ctx.account_id, user["user_name"]),
            )
        self.changed()
        return {}

    def delete_login_profile(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        user = require_user(db, ctx.account_id, _target_user(ctx, req))
        _require_profile(db, ctx.account_id, user["user_name"])
        db.execute(
            "DELETE FROM login_profiles WHERE account_id = ? AND user_name = ?",
            (ctx.account_id, user["user_name"]),
        )
        self.changed()
        return {}

    async def change_password(self, ctx: RequestContext, req: dict) -> dict:
        user_name = caller_user_name(ctx)
        if user_name is None:
            raise InvalidUserType("Only IAM Users can change their own password.")
        db = self.db()
        user = require_user(db, ctx.account_id, user_name)
        profile = _require_profile(db, ctx.account_id, user["user_name"])
        old, new = req["OldPassword"], req["NewPassword"]
        policy = password_policy(db, ctx.account_id)
        if not await ctx.offload(password_matches, old, profile["password_hash"]):
            raise AccessDenied("The old password is incorrect.")
        if not conforms(new, policy):
            raise PasswordPolicyViolation(POLICY_VIOLATION)
        reuse = (policy or {}).get("PasswordReusePrevention")
        if reuse:
            recent = [profile["password_hash"], *profile["previous_hashes"]][:reuse]
            if await ctx.offload(matches_any, new, recent):
                raise PasswordPolicyViolation(POLICY_VIOLATION)
        hashed = await ctx.offload(hash_password, new)
        self._store_login_password(db, ctx, user["user_name"], hashed)
        db.execute(
            "UPDATE login_profiles SET password_reset_required = 0 WHERE account_id = ? AND user_name = ?",
            (ctx.account_id, user["user_name"]),
        )
        self.changed()
        return {}

    def _store_login_password(self, db: Database, ctx: RequestContext, user_name: str, hashed: str) -> None:
        """Replace the password, keeping the last 24 hashes for PasswordReusePrevention."""
        profile = _require_profile(db, ctx.account_id, user_name)
        history = [profile["password_hash"], *profile["previous_hashes"]][:24]
        db.execute(
            "UPDATE login_profiles SET password_hash = ?, password_changed = ?, previous_hashes = ? "
            "WHERE account_id = ? AND user_name = ?",
            (hashed, to_text(ctx.time), json.dumps(history), ctx.account_id, user_name),
        )
