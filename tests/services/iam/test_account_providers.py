"""OpenID Connect and SAML identity providers through boto3."""

from datetime import datetime

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
SAML_METADATA = (
    '<?xml version="1.0"?>'
    '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
    'entityID="https://idp.example.com/metadata" validUntil="2030-01-01T00:00:00Z">'
    '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
    '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
    'Location="https://idp.example.com/sso"/>'
    "</md:IDPSSODescriptor>"
    "<!-- " + "padding " * 120 + "-->"
    "</md:EntityDescriptor>"
)


def error_of(excinfo) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def iam(aws_client):
    return aws_client("iam")


# ---------------------------------------------------------------- OIDC


def test_oidc_provider_lifecycle(iam):
    created = iam.create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com",
        ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=[THUMBPRINT],
        Tags=[{"Key": "ci", "Value": "github"}],
    )
    arn = created["OpenIDConnectProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    assert created["Tags"] == [{"Key": "ci", "Value": "github"}]

    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert provider["Url"] == "token.actions.githubusercontent.com"
    assert provider["ClientIDList"] == ["sts.amazonaws.com"]
    assert provider["ThumbprintList"] == [THUMBPRINT]
    assert isinstance(provider["CreateDate"], datetime)
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == [{"Arn": arn}]

    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="my-app")
    iam.add_client_id_to_open_id_connect_provider(
        OpenIDConnectProviderArn=arn, ClientID="my-app"
    )  # idempotent
    iam.remove_client_id_from_open_id_connect_provider(
        OpenIDConnectProviderArn=arn, ClientID="sts.amazonaws.com"
    )
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="absent")
    other = "a" * 40
    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn, ThumbprintList=[other])
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert provider["ClientIDList"] == ["my-app"] and provider["ThumbprintList"] == [other]

    iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn, Tags=[{"Key": "team", "Value": "infra"}])
    iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=["ci"])
    assert iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)["Tags"] == [
        {"Key": "team", "Value": "infra"}
    ]

    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []
    with pytest.raises(ClientError) as excinfo:
        iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert error_of(excinfo) == ("NoSuchEntity", f"OpenIDConnect Provider not found for arn {arn}")


def test_oidc_provider_with_a_path_and_without_thumbprints(iam):
    arn = iam.create_open_id_connect_provider(Url="https://example.com/tenant/1/", ClientIDList=["app"])[
        "OpenIDConnectProviderArn"
    ]
    assert arn == f"arn:aws:iam::{ACCOUNT}:oidc-provider/example.com/tenant/1"
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert provider["Url"] == "example.com/tenant/1" and provider["ThumbprintList"] == []


def test_oidc_provider_errors(iam):
    iam.create_open_id_connect_provider(Url="https://example.com", ThumbprintList=[THUMBPRINT])
    with pytest.raises(ClientError) as excinfo:
        iam.create_open_id_connect_provider(Url="https://example.com", ThumbprintList=[THUMBPRINT])
    assert excinfo.value.response["Error"]["Code"] == "EntityAlreadyExists"
    with pytest.raises(ClientError) as excinfo:
        iam.create_open_id_connect_provider(Url="http://insecure.example.com")
    assert error_of(excinfo) == (
        "InvalidInput",
        "Invalid Open ID Connect Provider URL. The URL must begin with https://.",
    )
    with pytest.raises(ClientError) as excinfo:
        iam.create_open_id_connect_provider(Url="example.org")
    assert error_of(excinfo) == ("ValidationError", "Invalid Open ID Connect Provider URL")
    with pytest.raises(ClientError) as excinfo:
        iam.create_open_id_connect_provider(Url="https://six.example.com", ThumbprintList=[THUMBPRINT] * 6)
    assert error_of(excinfo) == ("InvalidInput", "Thumbprint list must contain fewer than 5 entries.")
    with pytest.raises(ClientError) as excinfo:
        iam.create_open_id_connect_provider(Url="https://hex.example.com", ThumbprintList=["z" * 40])
    assert excinfo.value.response["Error"]["Code"] == "InvalidInput"


def test_oidc_providers_are_per_account(aws_client, iam):
    other = aws_client("iam", aws_access_key_id="111122223333", aws_secret_access_key="test")
    mine = iam.create_open_id_connect_provider(Url="https://example.com")["OpenIDConnectProviderArn"]
    theirs = other.create_open_id_connect_provider(Url="https://example.com")["OpenIDConnectProviderArn"]
    assert theirs == "arn:aws:iam::111122223333:oidc-provider/example.com" != mine
    with pytest.raises(ClientError):
        other.get_open_id_connect_provider(OpenIDConnectProviderArn=mine)


# ---------------------------------------------------------------- SAML


def test_saml_provider_lifecycle(iam):
    created = iam.create_saml_provider(
        Name="corporate-idp", SAMLMetadataDocument=SAML_METADATA, Tags=[{"Key": "env", "Value": "prod"}]
    )
    arn = created["SAMLProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT}:saml-provider/corporate-idp"

    provider = iam.get_saml_provider(SAMLProviderArn=arn)
    assert provider["SAMLMetadataDocument"] == SAML_METADATA
    assert provider["ValidUntil"].year == 2030
    assert provider["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert provider["SAMLProviderUUID"]
    listed = iam.list_saml_providers()["SAMLProviderList"]
    assert [entry["Arn"] for entry in listed] == [arn]

    updated = SAML_METADATA.replace("2030-01-01", "2031-06-01")
    assert (
        iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=updated)["SAMLProviderArn"] == arn
    )
    assert iam.get_saml_provider(SAMLProviderArn=arn)["ValidUntil"].year == 2031

    iam.tag_saml_provider(SAMLProviderArn=arn, Tags=[{"Key": "team", "Value": "it"}])
    iam.untag_saml_provider(SAMLProviderArn=arn, TagKeys=["env"])
    assert iam.list_saml_provider_tags(SAMLProviderArn=arn)["Tags"] == [{"Key": "team", "Value": "it"}]

    with pytest.raises(ClientError) as excinfo:
        iam.create_saml_provider(Name="corporate-idp", SAMLMetadataDocument=SAML_METADATA)
    assert excinfo.value.response["Error"]["Code"] == "EntityAlreadyExists"

    iam.delete_saml_provider(SAMLProviderArn=arn)
    assert iam.list_saml_providers()["SAMLProviderList"] == []
    with pytest.raises(ClientError) as excinfo:
        iam.get_saml_provider(SAMLProviderArn=arn)
    assert excinfo.value.response["Error"]["Code"] == "NoSuchEntity"


def test_saml_metadata_must_parse(aws_client, iam):
    from botocore.config import Config

    with pytest.raises(ClientError) as excinfo:
        iam.create_saml_provider(Name="broken", SAMLMetadataDocument="<not-xml " + "x" * 1000)
    assert error_of(excinfo) == ("InvalidInput", "Could not parse metadata")
    unchecked = aws_client("iam", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as excinfo:
        unchecked.create_saml_provider(Name="short", SAMLMetadataDocument="<md/>")
    assert excinfo.value.response["Error"]["Code"] == "ValidationError"  # under 1000 characters
