"""Helpers shared by the SQS tests."""


def error_of(excinfo) -> tuple[str, str]:
    """(code, message) of a ClientError caught by pytest.raises."""
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def receive_all(sqs, url: str) -> list[dict]:
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
