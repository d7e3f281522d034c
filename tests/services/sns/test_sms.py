"""SMS settings, opt-outs and the SMS sandbox, as AWS answers them (boto3 against a real server)."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from stratus.services import is_implemented
from stratus.services.sns.common import InvalidParameter
from stratus.services.sns.sent_messages import sent_messages
from stratus.services.sns.sms import opt_out, validate_phone_number

from .support import ACCOUNT, REGION, error_of, in_process, status_of

THIRTY_DAYS = 30 * 24 * 3600


@pytest.fixture
def opt_out_number(stratus_server):
    """A handset replying STOP: the number opts out of this account's SMS (in us-east-1 unless told)."""
    runtime = stratus_server.runtime

    def reply_stop(number: str, region: str = REGION) -> None:
        async def run():
            opt_out(
                runtime.providers.get("sns").db(), ACCOUNT, region, number, runtime.clock.now().timestamp()
            )

        stratus_server.call_on_loop(run())

    return reply_stop


@pytest.fixture
def sms_sent_to(stratus_server):
    """The SMS the server "sent" to a number, oldest first."""
    runtime = stratus_server.runtime

    def read(number: str) -> list[dict]:
        async def run():
            return sent_messages(runtime.providers.get("sns").db(), endpoint=number, protocol="sms")

        return stratus_server.call_on_loop(run())

    return read


def one_time_password(message: dict) -> str:
    match = re.search(r"\b(\d{6})\b", message["body"])
    assert match, message["body"]
    return match.group(1)


# ---------------------------------------------------------------------- SetSMSAttributes / GetSMSAttributes


def test_sms_attributes_default_and_round_trip(sns, aws_client):
    assert sns.get_sms_attributes()["attributes"] == {"MonthlySpendLimit": "1"}
    if is_implemented("s3"):
        aws_client("s3").create_bucket(Bucket="sms-reports")
    settings = {
        "MonthlySpendLimit": "25",
        "DeliveryStatusIAMRole": f"arn:aws:iam::{ACCOUNT}:role/sns-sms-logs",
        "DeliveryStatusSuccessSamplingRate": "50",
        "DefaultSenderID": "Stratus1",
        "DefaultSMSType": "Transactional",
    }
    sns.set_sms_attributes(attributes={**settings, "UsageReportS3Bucket": "sms-reports"})
    assert sns.get_sms_attributes()["attributes"] == {**settings, "UsageReportS3Bucket": "sms-reports"}
    wanted = sns.get_sms_attributes(attributes=["DefaultSMSType", "DefaultSenderID"])["attributes"]
    assert wanted == {"DefaultSMSType": "Transactional", "DefaultSenderID": "Stratus1"}
    # A later call changes only what it names; an empty value clears a setting.
    sns.set_sms_attributes(attributes={"DefaultSMSType": "Promotional", "DefaultSenderID": ""})
    current = sns.get_sms_attributes()["attributes"]
    assert current["DefaultSMSType"] == "Promotional"
    assert "DefaultSenderID" not in current
    assert current["MonthlySpendLimit"] == "25"


def test_sms_attributes_are_per_region(sns, aws_client):
    sns.set_sms_attributes(attributes={"DefaultSMSType": "Transactional"})
    assert aws_client("sns", region_name="eu-west-1").get_sms_attributes()["attributes"] == {
        "MonthlySpendLimit": "1"
    }


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"DefaultSenderID": "testSenderID"}, "DefaultSenderID is invalid"),  # 12 characters
        ({"DefaultSenderID": "12345"}, "DefaultSenderID is invalid"),  # needs a letter
        ({"DefaultSMSType": "Urgent"}, "DefaultSMSType is invalid"),
        ({"DeliveryStatusSuccessSamplingRate": "101"}, "DeliveryStatusSuccessSamplingRate is invalid"),
        ({"MonthlySpendLimit": "-1"}, "MonthlySpendLimit is invalid"),
        ({"MonthlySpendLimit": "\uff11\uff12"}, "MonthlySpendLimit is invalid"),  # full-width digits
        ({"DeliveryStatusIAMRole": "sns-role"}, "DeliveryStatusIAMRole is invalid"),
        ({"Colour": "blue"}, "Colour is not a valid attribute"),
    ],
)
def test_sms_attribute_values_are_checked(sns, attributes, message):
    with pytest.raises(ClientError) as excinfo:
        sns.set_sms_attributes(attributes={"DefaultSMSType": "Transactional", **attributes})
    assert error_of(excinfo) == ("InvalidParameter", message)
    assert sns.get_sms_attributes()["attributes"] == {"MonthlySpendLimit": "1"}  # nothing was applied


def test_the_usage_report_bucket_must_exist(sns):
    if not is_implemented("s3"):
        pytest.skip("this Stratus has no S3 to look the bucket up in")
    with pytest.raises(ClientError) as excinfo:
        sns.set_sms_attributes(attributes={"UsageReportS3Bucket": "this-bucket-does-not-exist"})
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: UsageReportS3Bucket Reason: The bucket you provided does not exist",
    )


# ---------------------------------------------------------------------- opt-outs


@in_process
def test_opted_out_numbers_are_reported_and_listed(sns, opt_out_number):
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550100")["isOptedOut"] is False
    opt_out_number("+15555550100")
    opt_out_number("+15555550100")  # a second STOP changes nothing
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550100")["isOptedOut"] is True
    # The same number written without its "+" is the same number.
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="15555550100")["isOptedOut"] is True
    assert sns.list_phone_numbers_opted_out()["phoneNumbers"] == ["+15555550100"]
    opt_out_number("+15555550199", region="eu-west-1")
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550199")["isOptedOut"] is False


@pytest.mark.parametrize("number", ["+15555550100x", "phone", "+0123456", "+1234567890123456", ""])
def test_opt_out_operations_check_the_number(sns, number):
    with pytest.raises(ClientError) as excinfo:
        sns.check_if_phone_number_is_opted_out(phoneNumber=number)
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: PhoneNumber Reason: input incorrectly formatted",
    )
    with pytest.raises(ClientError) as excinfo:
        sns.opt_in_phone_number(phoneNumber=number)
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: PhoneNumber Reason: input incorrectly formatted",
    )


@in_process
def test_list_phone_numbers_opted_out_pages_by_100(sns, opt_out_number):
    numbers = [f"+1555555{i:04}" for i in range(101)]
    for number in numbers:
        opt_out_number(number)
    first = sns.list_phone_numbers_opted_out()
    assert len(first["phoneNumbers"]) == 100
    second = sns.list_phone_numbers_opted_out(nextToken=first["nextToken"])
    assert "nextToken" not in second
    assert first["phoneNumbers"] + second["phoneNumbers"] == numbers
    paginated = [
        n
        for page in sns.get_paginator("list_phone_numbers_opted_out").paginate()
        for n in page["phoneNumbers"]
    ]
    assert paginated == numbers


@in_process
def test_opt_in_only_once_every_30_days(sns, opt_out_number, stratus_server):
    sns.opt_in_phone_number(phoneNumber="+15555550100")  # not opted out: nothing to do, no error
    opt_out_number("+15555550100")
    sns.opt_in_phone_number(phoneNumber="+15555550100")
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550100")["isOptedOut"] is False
    assert sns.list_phone_numbers_opted_out()["phoneNumbers"] == []

    opt_out_number("+15555550100")
    stratus_server.advance_clock(THIRTY_DAYS - 60)
    with pytest.raises(ClientError) as excinfo:
        sns.opt_in_phone_number(phoneNumber="+15555550100")
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: Cannot opt in right now, latest opt in is too recent",
    )
    assert status_of(excinfo) == 400
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550100")["isOptedOut"] is True
    # Another number is not held back by this one's opt-in.
    opt_out_number("+15555550101")
    sns.opt_in_phone_number(phoneNumber="+15555550101")

    stratus_server.advance_clock(60)
    sns.opt_in_phone_number(phoneNumber="15555550100")
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550100")["isOptedOut"] is False


def test_validate_phone_number_for_publish():
    assert validate_phone_number("+15555550100") == "+15555550100"
    assert validate_phone_number("447700900123") == "+447700900123"
    for bad in ("+1555555010x", "+0155555501", "+1234567890123456", "", "+"):
        with pytest.raises(InvalidParameter) as excinfo:
            validate_phone_number(bad)
        assert (
            excinfo.value.message
            == f"Invalid parameter: PhoneNumber Reason: {bad} is not valid to publish to"
        )


# ---------------------------------------------------------------------- origination numbers, sandbox status


def test_there_are_no_origination_numbers(sns):
    assert sns.list_origination_numbers()["PhoneNumbers"] == []
    assert sns.list_origination_numbers(MaxResults=5)["PhoneNumbers"] == []


def test_stratus_accounts_are_out_of_the_sms_sandbox(sns):
    assert sns.get_sms_sandbox_account_status()["IsInSandbox"] is False


# ---------------------------------------------------------------------- the SMS sandbox destination numbers


@in_process
def test_sandbox_number_verification_flow(sns, sms_sent_to):
    sns.create_sms_sandbox_phone_number(PhoneNumber="+15555550100", LanguageCode="en-GB")
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"] == [
        {"PhoneNumber": "+15555550100", "Status": "Pending"}
    ]
    [sms] = sms_sent_to("+15555550100")
    assert sms["kind"] == "Verification"
    assert sms["attributes"] == {"LanguageCode": "en-GB"}
    code = one_time_password(sms)

    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ClientError) as excinfo:
        sns.verify_sms_sandbox_phone_number(PhoneNumber="+15555550100", OneTimePassword=wrong)
    assert excinfo.value.response["Error"]["Code"] == "VerificationException"
    assert excinfo.value.response["Error"]["Status"] == "Failed"
    assert status_of(excinfo) == 400
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"][0]["Status"] == "Pending"

    sns.verify_sms_sandbox_phone_number(PhoneNumber="+15555550100", OneTimePassword=code)
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"] == [
        {"PhoneNumber": "+15555550100", "Status": "Verified"}
    ]
    # Adding a verified number again sends nothing.
    sns.create_sms_sandbox_phone_number(PhoneNumber="+15555550100")
    assert len(sms_sent_to("+15555550100")) == 1

    sns.delete_sms_sandbox_phone_number(PhoneNumber="+15555550100")
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"] == []
    with pytest.raises(ClientError) as excinfo:
        sns.delete_sms_sandbox_phone_number(PhoneNumber="+15555550100")
    assert error_of(excinfo)[0] == "ResourceNotFound"
    assert status_of(excinfo) == 404


@in_process
def test_adding_a_pending_number_again_sends_a_new_code(sns, sms_sent_to):
    sns.create_sms_sandbox_phone_number(PhoneNumber="+15555550100")
    sns.create_sms_sandbox_phone_number(PhoneNumber="+15555550100")
    first, second = sms_sent_to("+15555550100")
    if one_time_password(first) != one_time_password(second):  # one chance in a million they match
        with pytest.raises(ClientError) as excinfo:
            sns.verify_sms_sandbox_phone_number(
                PhoneNumber="+15555550100", OneTimePassword=one_time_password(first)
            )
        assert excinfo.value.response["Error"]["Code"] == "VerificationException"
    sns.verify_sms_sandbox_phone_number(PhoneNumber="+15555550100", OneTimePassword=one_time_password(second))
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"][0]["Status"] == "Verified"


def test_one_time_passwords_are_digits(sns):
    sns.create_sms_sandbox_phone_number(PhoneNumber="+15555550100")
    with pytest.raises(ClientError) as excinfo:
        sns.verify_sms_sandbox_phone_number(PhoneNumber="+15555550100", OneTimePassword="12a456")
    assert error_of(excinfo) == (
        "ValidationError",
        "1 validation error detected: Value '12a456' at 'oneTimePassword' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ^[0-9]+$",
    )
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"][0]["Status"] == "Pending"


def test_verify_an_unknown_sandbox_number(sns):
    with pytest.raises(ClientError) as excinfo:
        sns.verify_sms_sandbox_phone_number(PhoneNumber="+15555550100", OneTimePassword="123456")
    assert error_of(excinfo)[0] == "ResourceNotFound"
    assert status_of(excinfo) == 404


@pytest.mark.parametrize("number", ["invalid phone number", "1234567890", "+1234567"])
def test_sandbox_numbers_must_match_the_model_pattern(sns, number):
    with pytest.raises(ClientError) as excinfo:
        sns.create_sms_sandbox_phone_number(PhoneNumber=number)
    assert error_of(excinfo) == (
        "ValidationError",
        f"1 validation error detected: Value '{number}' at 'phoneNumber' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ^(\\+[0-9]{8,}|[0-9]{0,9})$",
    )


def test_sandbox_accepts_what_the_pattern_allows(sns):
    # AWS takes these (a short local number; a long international one) and lets them be deleted at once.
    for number in ("123456789", "+9411223344667788990"):
        sns.create_sms_sandbox_phone_number(PhoneNumber=number)
        sns.delete_sms_sandbox_phone_number(PhoneNumber=number)
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"] == []


@in_process
def test_an_opted_out_number_cannot_be_added_to_the_sandbox(sns, opt_out_number, sms_sent_to):
    opt_out_number("+15555550100")
    with pytest.raises(ClientError) as excinfo:
        sns.create_sms_sandbox_phone_number(PhoneNumber="+15555550100")
    assert error_of(excinfo)[0] == "OptedOut"
    assert sms_sent_to("+15555550100") == []


def test_list_sms_sandbox_phone_numbers_pages(sns):
    numbers = [f"+1555555010{i}" for i in range(5)]
    for number in numbers:
        sns.create_sms_sandbox_phone_number(PhoneNumber=number)
    first = sns.list_sms_sandbox_phone_numbers(MaxResults=2)
    assert [n["PhoneNumber"] for n in first["PhoneNumbers"]] == numbers[:2]
    second = sns.list_sms_sandbox_phone_numbers(MaxResults=2, NextToken=first["NextToken"])
    third = sns.list_sms_sandbox_phone_numbers(MaxResults=2, NextToken=second["NextToken"])
    assert "NextToken" not in third
    listed = first["PhoneNumbers"] + second["PhoneNumbers"] + third["PhoneNumbers"]
    assert [n["PhoneNumber"] for n in listed] == numbers
    assert {n["Status"] for n in listed} == {"Pending"}
    paginated = [
        n["PhoneNumber"]
        for page in sns.get_paginator("list_sms_sandbox_phone_numbers").paginate(
            PaginationConfig={"PageSize": 3}
        )
        for n in page["PhoneNumbers"]
    ]
    assert paginated == numbers
    with pytest.raises(ClientError) as excinfo:
        sns.list_sms_sandbox_phone_numbers(MaxResults=101)
    assert error_of(excinfo)[0] == "ValidationError"
