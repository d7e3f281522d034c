"""The credential report: one CSV line per user (and the root user) on passwords, MFA, keys and
signing certificates, in the columns and notations AWS documents.

GenerateCredentialReport takes a snapshot at once; AWS's answer sequence is kept (STARTED for a new
report, COMPLETE while it is fresh), and a report is regenerated once it is four hours old.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.iam.account_passwords import login_profile, password_policy
from stratus.services.iam.account_store import from_text, to_text
from stratus.services.iam.account_support import AccountMixin
from stratus.store.sqlite import Database

REPORT_LIFETIME = timedelta(hours=4)
COLUMNS = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
]
NOT_AVAILABLE = "N/A"


class ReportNotPresent(ServiceError):
    code = "ReportNotPresent"
    status = 410


class ReportExpired(ServiceError):
    code = "ReportExpired"
    status = 410


def _time(value: datetime | str | None) -> str:
    if isinstance(value, str):
        value = from_text(value)
    return NOT_AVAILABLE if value is None else value.isoformat(timespec="seconds")


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _key_columns(keys: list[Any]) -> list[str]:
    columns: list[str] = []
    for index in range(2):
        key = keys[index] if index < len(keys) else None
        if key is None:
            columns += ["false", NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE]
            continue
        columns += [
            _flag(key["status"] == "Active"),
            _time(key["create_date"]),
            _time(key["last_used_date"]),
            key["last_used_region"] or NOT_AVAILABLE,
            key["last_used_service"] or NOT_AVAILABLE,
        ]
    return columns


def _certificate_columns(certificates: list[Any]) -> list[str]:
    columns: list[str] = []
    for index in range(2):
        cert = certificates[index] if index < len(certificates) else None
        columns += (
            ["false", NOT_AVAILABLE]
            if cert is None
            else [_flag(cert["status"] == "Active"), _time(cert["upload_date"])]
        )
    return columns


def _user_line(db: Database, account_id: str, user: Any, policy: dict[str, Any] | None) -> list[str]:
    profile = login_profile(db, account_id, user["user_name"])
    if profile is None:
        password = ["false", NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE]
    else:
        max_age = (policy or {}).get("MaxPasswordAge")
        next_rotation = profile["password_changed"] + timedelta(days=max_age) if max_age else None
        last_used = user["password_last_used"]
        password = [
            "true",
            _time(last_used) if last_used else "no_information",
            _time(profile["password_changed"]),
            _time(next_rotation),
        ]
    mfa = db.query_one(
        "SELECT 1 FROM mfa_devices WHERE account_id = ? AND user_name = ? AND enabled = 1",
        (account_id, user["user_name"]),
    )
    keys = db.query(
        "SELECT * FROM iam_access_keys WHERE account_id = ? AND user_id = ? ORDER BY create_date, access_key_id",
        (account_id, user["user_id"]),
    )
    certificates = db.query(
        "SELECT * FROM signing_certificates WHERE account_id = ? AND user_name = ? ORDER BY upload_date",
        (account_id, user["user_name"]),
    )
    return [
        user["user_name"],
        user["arn"],
        _time(user["create_date"]),
        *password,
        _flag(mfa is not None),
        *_key_columns(keys),
        *_certificate_columns(certificates),
    ]


def credential_report_csv(db: Database, account_id: str, partition: str = "aws") -> str:
    from stratus.services.iam.users import ROOT_CREATE_DATE

    policy = password_policy(db, account_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    # Stratus keeps no root password, MFA, keys or certificates: the root line says so.
    writer.writerow(
        ["<root_account>", f"arn:{partition}:iam::{account_id}:root", _time(ROOT_CREATE_DATE)]
        + ["not_supported", "no_information", "not_supported", "not_supported", "false"]
        + ["false", NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE] * 2
        + ["false", NOT_AVAILABLE] * 2
    )
    users = db.query("SELECT * FROM iam_users WHERE account_id = ? ORDER BY user_name", (account_id,))
    for user in users:
        writer.writerow(_user_line(db, account_id, user, policy))
    return out.getvalue().rstrip("\n")


class ReportOperations(AccountMixin):
    def generate_credential_report(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        row = db.query_one(
            "SELECT generated_time FROM credential_reports WHERE account_id = ?", (ctx.account_id,)
        )
        if row is not None and ctx.time - from_text(row["generated_time"]) < REPORT_LIFETIME:
            return {"State": "COMPLETE"}
        content = credential_report_csv(db, ctx.account_id, ctx.partition)
        db.execute(
            "INSERT INTO credential_reports (account_id, content, generated_time) VALUES (?, ?, ?) "
            "ON CONFLICT (account_id) DO UPDATE SET content = excluded.content, "
            "generated_time = excluded.generated_time",
            (ctx.account_id, content, to_text(ctx.time)),
        )
        return {"State": "STARTED", "Description": "No report exists. Starting a new report generation task"}

    def get_credential_report(self, ctx: RequestContext, req: dict) -> dict:
        row = self.db().query_one(
            "SELECT content, generated_time FROM credential_reports WHERE account_id = ?", (ctx.account_id,)
        )
        if row is None:
            raise ReportNotPresent(
                "Credential report not present. Use GenerateCredentialReport to generate a report."
            )
        generated = from_text(row["generated_time"])
        if ctx.time - generated >= REPORT_LIFETIME:
            raise ReportExpired(
                "The credential report is expired. Use GenerateCredentialReport to generate a new report."
            )
        return {
            "Content": row["content"].encode("utf-8"),
            "ReportFormat": "text/csv",
            "GeneratedTime": generated,
        }
