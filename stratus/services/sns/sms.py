"""SMS: the account's SMS settings, opted-out phone numbers and the SMS sandbox's destination numbers.

Stratus has no carrier. An SMS that "goes out" (a sandbox one-time password here, Publish's messages
elsewhere) is written to the sent-message log; a handset replying STOP is `opt_out`, which the
internal API exposes. SnsProvider supplies `db`.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid

from stratus.core.context import RequestContext
from stratus.protocol.errors import NotImplementedOperation, ServiceError, ValidationError
from stratus.services import is_implemented
from stratus.services.sns.common import (
    InvalidParameter,
    OptedOut,
    ResourceNotFound,
    VerificationException,
    invalid,
    now,
)
from stratus.services.sns.paging import decode_token, page
from stratus.services.sns.sent_messages import record_sent
from stratus.store import Database

# E.164: a country code and subscriber number, 15 digits at most. AWS also takes the number
# without its "+"; Stratus keeps every number in the "+" form so both spellings are one number.
E164 = re.compile(r"\+?[1-9][0-9]{1,14}")
# The model's pattern for sandbox destination numbers (AWS answers a ValidationError for others).
SANDBOX_NUMBER = re.compile(r"(\+[0-9]{8,}|[0-9]{0,9})")
OTP_PATTERN = re.compile(r"[0-9]+")

PAGE_SIZE = 100  # ListPhoneNumbersOptedOut: "each page returns up to 100 phone numbers"
OPT_IN_INTERVAL_SECONDS = 30 * 24 * 3600  # "You can opt in a phone number only once every 30 days."

SMS_ATTRIBUTE_NAMES = (
    "MonthlySpendLimit",
    "DeliveryStatusIAMRole",
    "DeliveryStatusSuccessSamplingRate",
    "DefaultSenderID",
    "DefaultSMSType",
    "UsageReportS3Bucket",
)
# AWS's documented default ("By default, the spend limit is set to 1.00 USD"). Stratus sets no
# ceiling above it: there is no support case to raise one.
DEFAULT_SMS_ATTRIBUTES = {"MonthlySpendLimit": "1"}
SMS_TYPES = ("Promotional", "Transactional")  # Promotional is the default when DefaultSMSType is unset
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
SENDER_ID = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9]{1,11}")  # 1-11 alphanumerics, at least one letter
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/\S+")
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")

VERIFICATION_TEXT = "Your Amazon SNS verification code is: {code}"
OTP_DIGITS = 6
SANDBOX_NOT_FOUND = "The phone number does not exist in the SMS sandbox."


# ---------------------------------------------------------------------- for Publish and the internal API


def validate_phone_number(number: str) -> str:
    """The number in E.164 "+" form, or Publish's InvalidParameter for a PhoneNumber it cannot send to."""
    if not isinstance(number, str) or not E164.fullmatch(number):
        raise invalid(f"PhoneNumber Reason: {number} is not valid to publish to")
    return _plus(number)


def is_opted_out(db: Database, account_id: str, region: str, phone_number: str) -> bool:
    row = db.query_one(
        "SELECT 1 FROM sns_opted_out_numbers WHERE account_id = ? AND region = ? AND phone_number = ?",
        (account_id, region, _plus(phone_number)),
    )
    return row is not None


def opt_out(db: Database, account_id: str, region: str, phone_number: str, at: float) -> None:
    """What a handset replying STOP does: the number stops receiving this account's SMS in this region."""
    with db.transaction():
        db.execute(
            "INSERT INTO sns_opted_out_numbers (account_id, region, phone_number, opted_out_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (account_id, region, phone_number) DO NOTHING",
            (account_id, region, _plus(phone_number), at),
        )


def sms_attributes(db: Database, account_id: str, region: str) -> dict:
    """The account's SMS settings in the region, as GetSMSAttributes answers them (defaults included)."""
    return {**DEFAULT_SMS_ATTRIBUTES, **_settings(db, account_id, region)}


# ---------------------------------------------------------------------- storage


def _plus(number: str) -> str:
    return number if number.startswith("+") else f"+{number}"


def _settings(db: Database, account_id: str, region: str) -> dict[str, str]:
    """The SMS attributes that were set (SetSMSAttributes)."""
    row = db.query_one(
        "SELECT attributes FROM sns_sms_attributes WHERE account_id = ? AND region = ?", (account_id, region)
    )
    return json.loads(row["attributes"]) if row else {}


def _save_settings(db: Database, account_id: str, region: str, attributes: dict[str, str]) -> None:
    db.execute(
        "INSERT INTO sns_sms_attributes (account_id, region, attributes) VALUES (?, ?, ?)"
        " ON CONFLICT (account_id, region) DO UPDATE SET attributes = excluded.attributes",
        (account_id, region, json.dumps(attributes)),
    )


def _check_number(number: str) -> str:
    """The opt-out operations' check of a phoneNumber."""
    if not E164.fullmatch(number or ""):
        raise invalid("PhoneNumber Reason: input incorrectly formatted")
    return _plus(number)


def _pattern_violation(value: str, member: str, pattern: str) -> ValidationError:
    """AWS's answer to a value outside the model's pattern (Stratus's model validation leaves patterns out)."""
    return ValidationError(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}",
        code="ValidationError",  # the query protocol's code, as for the model's other checks
    )


def _check_sandbox_number(number: str) -> str:
    if not SANDBOX_NUMBER.fullmatch(number):
        raise _pattern_violation(number, "phoneNumber", "^(\\+[0-9]{8,}|[0-9]{0,9})$")
    if number == "":  # the pattern lets it through; there is no such phone
        raise invalid("PhoneNumber Reason: cannot be empty")
    return number


# ---------------------------------------------------------------------- SMS settings


def _check_sms_attribute(name: str, value: str) -> None:
    # AWS words these without the usual "Invalid parameter:" prefix ("DefaultSenderID is invalid").
    if name not in SMS_ATTRIBUTE_NAMES:
        raise InvalidParameter(f"{name} is not a valid attribute")
    if value != "" and not _sms_value_is_valid(name, value):  # "" clears the setting
        raise InvalidParameter(f"{name} is invalid")


def _sms_value_is_valid(name: str, value: str) -> bool:
    if name == "MonthlySpendLimit":
        return WHOLE_NUMBER.fullmatch(value) is not None  # whole US dollars
    if name == "DeliveryStatusSuccessSamplingRate":
        return WHOLE_NUMBER.fullmatch(value) is not None and int(value) <= 100
    if name == "DefaultSMSType":
        return value in SMS_TYPES
    pattern = {
        "DeliveryStatusIAMRole": ROLE_ARN,
        "DefaultSenderID": SENDER_ID,
        "UsageReportS3Bucket": BUCKET_NAME,
    }
    return pattern[name].fullmatch(value) is not None


async def _check_report_bucket(ctx: RequestContext, bucket: str) -> None:
    """AWS checks the usage-report bucket exists, looking as sns.amazonaws.com (which needs s3:ListBucket)."""
    if not is_implemented("s3"):
        return  # this Stratus has no S3 to look in
    try:
        await ctx.aws("s3", principal="sns.amazonaws.com").head_bucket(Bucket=bucket)
    except NotImplementedOperation:
        return
    except ServiceError as error:
        if error.code in ("NoSuchBucket", "NotFound", "404"):
            raise invalid("UsageReportS3Bucket Reason: The bucket you provided does not exist") from None
        if error.code in ("AccessDenied", "Forbidden", "403"):
            raise invalid(
                "UsageReportS3Bucket Reason: Amazon SNS is not allowed to list the bucket"
            ) from None
        raise


# ---------------------------------------------------------------------- the operations


class SmsOperations:
    def db(self) -> Database:  # pragma: no cover - SnsProvider overrides it
        raise NotImplementedError

    # ------------------------------------------------------------------ settings

    async def set_sms_attributes(self, ctx: RequestContext, req: dict) -> dict:
        given = dict(req.get("attributes") or {})
        for name, value in given.items():
            _check_sms_attribute(name, value)
        if given.get("UsageReportS3Bucket"):
            await _check_report_bucket(ctx, given["UsageReportS3Bucket"])
        db = self.db()
        with db.transaction():  # no await from here on: the writer connection is shared
            attributes = _settings(db, ctx.account_id, ctx.region)
            for name, value in given.items():
                if value == "":
                    attributes.pop(name, None)
                else:
                    attributes[name] = value
            _save_settings(db, ctx.account_id, ctx.region, attributes)
        return {}

    def get_sms_attributes(self, ctx: RequestContext, req: dict) -> dict:
        current = sms_attributes(self.db(), ctx.account_id, ctx.region)
        wanted = req.get("attributes")
        if wanted:
            current = {name: value for name, value in current.items() if name in wanted}
        return {"attributes": current}

    # ------------------------------------------------------------------ opt-outs

    def check_if_phone_number_is_opted_out(self, ctx: RequestContext, req: dict) -> dict:
        number = _check_number(req["phoneNumber"])
        return {"isOptedOut": is_opted_out(self.db(), ctx.account_id, ctx.region, number)}

    def list_phone_numbers_opted_out(self, ctx: RequestContext, req: dict) -> dict:
        rows = self.db().query(
            "SELECT rowid AS position, phone_number FROM sns_opted_out_numbers"
            " WHERE account_id = ? AND region = ? AND rowid > ? ORDER BY rowid LIMIT ?",
            (ctx.account_id, ctx.region, decode_token(req.get("nextToken")), PAGE_SIZE + 1),
        )
        rows, next_token = page(rows, PAGE_SIZE, lambda row: row["position"])
        output: dict = {"phoneNumbers": [row["phone_number"] for row in rows]}
        if next_token:
            output["nextToken"] = next_token
        return output

    def opt_in_phone_number(self, ctx: RequestContext, req: dict) -> dict:
        number = _check_number(req["phoneNumber"])
        at = now(ctx)
        db = self.db()
        with db.transaction():
            if not is_opted_out(db, ctx.account_id, ctx.region, number):
                return {}  # nothing to opt in
            last = db.query_one(
                "SELECT opted_in_at FROM sns_sms_opt_ins WHERE account_id = ? AND region = ? AND phone_number = ?",
                (ctx.account_id, ctx.region, number),
            )
            if last is not None and at - last["opted_in_at"] < OPT_IN_INTERVAL_SECONDS:
                raise invalid("Cannot opt in right now, latest opt in is too recent")
            db.execute(
                "DELETE FROM sns_opted_out_numbers WHERE account_id = ? AND region = ? AND phone_number = ?",
                (ctx.account_id, ctx.region, number),
            )
            db.execute(
                "INSERT OR REPLACE INTO sns_sms_opt_ins (account_id, region, phone_number, opted_in_at) "
                "VALUES (?, ?, ?, ?)",
                (ctx.account_id, ctx.region, number, at),
            )
        return {}

    def list_origination_numbers(self, ctx: RequestContext, req: dict) -> dict:
        # Origination numbers are leased from AWS; Stratus leases none, so the list is truly empty.
        return {"PhoneNumbers": []}

    # ------------------------------------------------------------------ the SMS sandbox

    def get_sms_sandbox_account_status(self, ctx: RequestContext, req: dict) -> dict:
        # Stratus accounts are out of the SMS sandbox: SMS may go to any number, verified or not.
        # The sandbox destination list below still works as in AWS, for code that manages it.
        return {"IsInSandbox": False}

    def create_sms_sandbox_phone_number(self, ctx: RequestContext, req: dict) -> dict:
        number = _check_sandbox_number(req["PhoneNumber"])
        language = req.get("LanguageCode") or "en-US"
        db = self.db()
        with db.transaction():
            if E164.fullmatch(number) and is_opted_out(db, ctx.account_id, ctx.region, number):
                raise OptedOut("The phone number has opted out of receiving SMS messages from your account.")
            row = db.query_one(
                "SELECT status FROM sns_sandbox_numbers WHERE account_id = ? AND region = ? AND phone_number = ?",
                (ctx.account_id, ctx.region, number),
            )
            if row is not None and row["status"] == "Verified":
                return {}  # already verified: nothing to send
            # New, or pending again: a fresh one-time password replaces any earlier one.
            code = "".join(secrets.choice("0123456789") for _ in range(OTP_DIGITS))
            db.execute(
                "INSERT INTO sns_sandbox_numbers"
                " (account_id, region, phone_number, status, language_code, one_time_password, created_at)"
                " VALUES (?, ?, ?, 'Pending', ?, ?, ?) ON CONFLICT (account_id, region, phone_number)"
                " DO UPDATE SET language_code = excluded.language_code,"
                " one_time_password = excluded.one_time_password",
                (ctx.account_id, ctx.region, number, language, code, now(ctx)),
            )
            record_sent(
                db,
                account_id=ctx.account_id,
                region=ctx.region,
                protocol="sms",
                endpoint=number,
                message_id=str(uuid.uuid4()),
                kind="Verification",
                body=VERIFICATION_TEXT.format(code=code),
                sent_at=now(ctx),
                attributes={"LanguageCode": language},
            )
        return {}

    def verify_sms_sandbox_phone_number(self, ctx: RequestContext, req: dict) -> dict:
        number = _check_sandbox_number(req["PhoneNumber"])
        password = req["OneTimePassword"]
        if not OTP_PATTERN.fullmatch(password):
            raise _pattern_violation(password, "oneTimePassword", "^[0-9]+$")
        db = self.db()
        with db.transaction():
            row = db.query_one(
                "SELECT one_time_password FROM sns_sandbox_numbers"
                " WHERE account_id = ? AND region = ? AND phone_number = ?",
                (ctx.account_id, ctx.region, number),
            )
            if row is None:
                raise ResourceNotFound(SANDBOX_NOT_FOUND)
            expected = str(row["one_time_password"] or "").encode()
            if not secrets.compare_digest(expected, password.encode()):
                raise VerificationException("Invalid one-time password (OTP).", Status="Failed")
            db.execute(
                "UPDATE sns_sandbox_numbers SET status = 'Verified'"
                " WHERE account_id = ? AND region = ? AND phone_number = ?",
                (ctx.account_id, ctx.region, number),
            )
        return {}

    def delete_sms_sandbox_phone_number(self, ctx: RequestContext, req: dict) -> dict:
        number = _check_sandbox_number(req["PhoneNumber"])
        db = self.db()
        with db.transaction():
            deleted = db.execute(
                "DELETE FROM sns_sandbox_numbers WHERE account_id = ? AND region = ? AND phone_number = ?",
                (ctx.account_id, ctx.region, number),
            ).rowcount
            if not deleted:
                raise ResourceNotFound(SANDBOX_NOT_FOUND)
        return {}

    def list_sms_sandbox_phone_numbers(self, ctx: RequestContext, req: dict) -> dict:
        limit = req.get("MaxResults") or PAGE_SIZE  # the model bounds it to 1..100
        rows = self.db().query(
            "SELECT rowid AS position, phone_number, status FROM sns_sandbox_numbers"
            " WHERE account_id = ? AND region = ? AND rowid > ? ORDER BY rowid LIMIT ?",
            (ctx.account_id, ctx.region, decode_token(req.get("NextToken")), limit + 1),
        )
        rows, next_token = page(rows, limit, lambda row: row["position"])
        output: dict = {
            "PhoneNumbers": [{"PhoneNumber": row["phone_number"], "Status": row["status"]} for row in rows]
        }
        if next_token:
            output["NextToken"] = next_token
        return output
