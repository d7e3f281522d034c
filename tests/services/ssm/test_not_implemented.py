"""Everything of SSM but Parameter Store answers an honest 501."""

from __future__ import annotations

import pytest

from .support import error_of


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("describe_document", {"Name": "AWS-RunShellScript"}),
        ("send_command", {"DocumentName": "AWS-RunShellScript", "InstanceIds": ["i-0123456789abcdef0"]}),
        ("start_session", {"Target": "i-0123456789abcdef0"}),
        ("get_resource_policies", {"ResourceArn": "arn:aws:ssm:us-east-1:000000000000:parameter/x"}),
    ],
)
def test_other_operations_answer_501(ssm, operation, kwargs):
    code, message = error_of(getattr(ssm, operation), **kwargs)
    assert code == "NotImplemented"
    assert "ssm." in message
