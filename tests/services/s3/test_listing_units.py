"""Unit tests of the S3 listing pieces whose cases are many: URL encoding of names, prefix
successors, common-prefix markers, continuation tokens and page sizes.
"""

from __future__ import annotations

import pytest

from stratus.services.s3.listing_args import Resume, decode_token, encode_name, encode_token, page_size
from stratus.services.s3.listing_scan import is_common_prefix, successor

from .listing_support import RECORDED_ENCODINGS, bucket_fixture, s3_fixture  # noqa: F401

# ---------------------------------------------------------------------------------- units


@pytest.mark.parametrize(("key", "encoded"), list(RECORDED_ENCODINGS.items()))
def test_url_encoding_matches_s3_recordings(key, encoded):
    assert encode_name(key) == encoded


def test_prefix_successors():
    assert successor("photos/") == "photos0"
    assert successor("a\U0010ffff") == "b"
    assert successor("\U0010ffff") is None
    assert successor("\ud7ff") == "\ue000"  # surrogates never appear in a UTF-8 key
    for text in ("a", "photos/", "日本/", "x😀"):
        upper = successor(text)
        assert text < text + "\U0010ffff" * 3 < upper
        assert upper.encode() > (text + "\U0010ffff").encode()


def test_common_prefix_markers():
    assert is_common_prefix("photos/", "", "/")
    assert is_common_prefix("photos/2006/", "photos/", "/")
    assert not is_common_prefix("photos/2006/", "", "/")
    assert not is_common_prefix("photos", "", "/")
    assert not is_common_prefix("photos/", "", "")


def test_tokens_round_trip():
    for resume in (Resume("a"), Resume("photos/", common_prefix=True), Resume("日本 😀~/x")):
        token = encode_token(resume)
        assert "=" not in token and "+" not in token and "/" not in token
        assert decode_token(token) == resume


def test_page_sizes():
    assert page_size(None) == (1000, 1000)
    assert page_size(0) == (0, 0)
    assert page_size(5000) == (5000, 1000)
    assert page_size(2**31 - 1, versions=True) == (2**31 - 1, 1000)


@pytest.mark.parametrize(
    ("query", "name"), [("list-type=2&max-keys=abc", "max-keys"), ("uploads&max-uploads=x", "max-uploads")]
)
def test_a_page_size_that_is_not_an_integer(stratus_endpoint, s3, bucket, query, name):
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{stratus_endpoint}/{bucket}?{query}")  # boto3 refuses to send it
    body = caught.value.read().decode()
    assert caught.value.code == 400
    assert "<Code>InvalidArgument</Code>" in body
    assert f"<Message>Provided {name} not an integer or within integer range</Message>" in body
    assert f"<ArgumentName>{name}</ArgumentName>" in body
