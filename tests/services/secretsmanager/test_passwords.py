"""GetRandomPassword: AWS's character sets, options and rules."""

from __future__ import annotations

import string

import pytest
from botocore.exceptions import ClientError

from .support import error_of

PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def password(sm, **options) -> str:
    return sm.get_random_password(**options)["RandomPassword"]


def test_default_is_32_characters_of_every_type(sm):
    for _ in range(20):
        value = password(sm)
        assert len(value) == 32
        assert set(value) & set(string.ascii_lowercase)
        assert set(value) & set(string.ascii_uppercase)
        assert set(value) & set(string.digits)
        assert set(value) & PUNCTUATION
        assert set(value) <= set(string.ascii_letters + string.digits) | PUNCTUATION


def test_passwords_differ(sm):
    assert len({password(sm) for _ in range(10)}) == 10


def test_exclusions(sm):
    value = password(sm, PasswordLength=200, ExcludePunctuation=True, ExcludeNumbers=True)
    assert set(value) <= set(string.ascii_letters)
    value = password(sm, PasswordLength=200, ExcludeUppercase=True, ExcludeLowercase=True)
    assert set(value) <= set(string.digits) | PUNCTUATION
    value = password(sm, PasswordLength=500, ExcludeCharacters="/@\"'\\abc")
    assert not set(value) & set("/@\"'\\abc")
    assert len(value) == 500


def test_space_only_when_included(sm):
    assert " " not in password(sm, PasswordLength=1000)
    assert " " in password(sm, PasswordLength=4096, IncludeSpace=True)


def test_each_included_type_unless_turned_off(sm):
    for _ in range(50):
        value = password(sm, PasswordLength=4)
        assert all(
            set(value) & chars
            for chars in (
                set(string.ascii_lowercase),
                set(string.ascii_uppercase),
                set(string.digits),
                PUNCTUATION,
            )
        )
    # Without the rule a one-character password is possible.
    assert len(password(sm, PasswordLength=1, RequireEachIncludedType=False)) == 1


def test_too_short_for_the_required_types(sm):
    with pytest.raises(ClientError) as caught:
        sm.get_random_password(PasswordLength=3)
    assert error_of(caught) == (
        "InvalidParameterException",
        "Password length is too short based on the required types.",  # moto's wording (unverified)
    )


def test_nothing_left_to_choose_from(sm):
    with pytest.raises(ClientError) as caught:
        sm.get_random_password(
            ExcludeLowercase=True, ExcludeUppercase=True, ExcludeNumbers=True, ExcludePunctuation=True
        )
    assert error_of(caught)[0] == "InvalidParameterException"  # wording guessed


def test_length_bounds_come_from_the_model(aws_client):
    from botocore.config import Config

    raw = aws_client("secretsmanager", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as caught:
        raw.get_random_password(PasswordLength=4097)
    assert error_of(caught)[0] == "ValidationException"
