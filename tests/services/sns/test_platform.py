"""Mobile push: platform applications and endpoints, as AWS answers them (boto3 against a real server)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from botocore.exceptions import ClientError

from .support import ACCOUNT, REGION, error_of, in_process, status_of

ENDPOINT_ARN = re.compile(
    rf"arn:aws:sns:{REGION}:{ACCOUNT}:endpoint/GCM/mobile/[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}"
)


def attributes_error(reason: str) -> tuple[str, str]:
    """(code, message) of AWS's answer to a bad entry in an Attributes map."""
    return "InvalidParameter", f"Invalid parameter: Attributes Reason: {reason}"


def self_signed_pem(not_after: dt.datetime) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Apple Push Services: com.example.app")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


# ---------------------------------------------------------------------- CreatePlatformApplication


def test_create_platform_application_answers_the_app_arn(sns):
    arn = sns.create_platform_application(
        Name="My.App_1-beta",
        Platform="APNS",
        Attributes={"PlatformPrincipal": "cert", "PlatformCredential": "key"},
    )["PlatformApplicationArn"]
    assert arn == f"arn:aws:sns:{REGION}:{ACCOUNT}:app/APNS/My.App_1-beta"


def test_the_same_application_again_is_the_same_arn_and_different_properties_conflict(sns, gcm_app):
    again = sns.create_platform_application(
        Name="mobile", Platform="GCM", Attributes={"PlatformCredential": "server-key"}
    )["PlatformApplicationArn"]
    assert again == gcm_app
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_application(
            Name="mobile", Platform="GCM", Attributes={"PlatformCredential": "other-key"}
        )
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: Name Reason: An application with the same name but different properties already exists",
    )
    # The same name on another platform is another application.
    other = sns.create_platform_application(
        Name="mobile", Platform="ADM", Attributes={"PlatformPrincipal": "id", "PlatformCredential": "secret"}
    )["PlatformApplicationArn"]
    assert other.endswith(":app/ADM/mobile")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("bad name", "must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'"),
        ("a" * 257, "must be at most 256 characters long"),
        ("", "cannot be empty"),
    ],
)
def test_application_names_are_checked(sns, name, reason):
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_application(Name=name, Platform="GCM", Attributes={"PlatformCredential": "k"})
    assert error_of(excinfo) == ("InvalidParameter", f"Invalid parameter: {name} Reason: {reason}")
    assert status_of(excinfo) == 400


def test_a_name_of_256_characters_is_allowed(sns):
    arn = sns.create_platform_application(
        Name="a" * 256, Platform="GCM", Attributes={"PlatformCredential": "k"}
    )
    assert arn["PlatformApplicationArn"].endswith("/" + "a" * 256)


def test_unknown_platform_is_refused(sns):
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_application(Name="app", Platform="FCM", Attributes={"PlatformCredential": "k"})
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: Platform Reason: FCM is not supported",
    )


@pytest.mark.parametrize(
    ("platform", "attributes", "reason"),
    [
        ("GCM", {"SuccessFeedbackSampleRate": "5"}, "PlatformCredential attribute required"),
        (
            "GCM",
            {"PlatformPrincipal": "p"},
            "PlatformPrincipal attribute provided without PlatformCredential",
        ),
        (
            "ADM",
            {"PlatformCredential": "secret"},
            "PlatformCredential attribute provided without PlatformPrincipal",
        ),
        (
            "APNS",
            {"PlatformPrincipal": "cert"},
            "PlatformPrincipal attribute provided without PlatformCredential",
        ),
        ("WNS", {"SuccessFeedbackSampleRate": "5"}, "PlatformCredential attribute required"),
        (
            "APNS_SANDBOX",
            {"PlatformPrincipal": "KEYID", "PlatformCredential": "key", "ApplePlatformTeamID": "TEAM"},
            "ApplePlatformBundleID attribute required",
        ),
    ],
)
def test_credentials_each_platform_requires(sns, platform, attributes, reason):
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_application(Name="app", Platform=platform, Attributes=attributes)
    assert error_of(excinfo) == attributes_error(reason)


def test_attributes_are_required(sns):
    # An empty map is not sent at all: the model's required member is missing.
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_application(Name="app", Platform="GCM", Attributes={})
    assert error_of(excinfo) == (
        "ValidationError",
        "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null",
    )


def test_attribute_values_are_checked(sns):
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_application(
            Name="app",
            Platform="GCM",
            Attributes={"PlatformCredential": "k", "SuccessFeedbackSampleRate": "101"},
        )
    assert error_of(excinfo) == attributes_error(
        "Invalid value for attribute: SuccessFeedbackSampleRate: "
        "101 value provided is not an integer between 0-100"
    )
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_application(
            Name="app", Platform="GCM", Attributes={"PlatformCredential": "k", "Colour": "x"}
        )
    assert error_of(excinfo) == attributes_error("Invalid attribute name: Colour")
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_application(
            Name="app",
            Platform="GCM",
            Attributes={"PlatformCredential": "k", "EventEndpointCreated": "not-a-topic"},
        )
    assert error_of(excinfo)[1].startswith(
        "Invalid parameter: Attributes Reason: Invalid value for attribute: EventEndpointCreated:"
    )


# ---------------------------------------------------------------------- Get/SetPlatformApplicationAttributes


def test_attributes_never_show_the_credentials(sns, gcm_app):
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:push-events"
    role = f"arn:aws:iam::{ACCOUNT}:role/sns-feedback"
    feedback = {
        "EventEndpointCreated": topic,
        "EventEndpointDeleted": topic,
        "EventEndpointUpdated": topic,
        "EventDeliveryFailure": topic,
        "SuccessFeedbackRoleArn": role,
        "FailureFeedbackRoleArn": role,
        "SuccessFeedbackSampleRate": "5",
    }
    sns.set_platform_application_attributes(PlatformApplicationArn=gcm_app, Attributes=feedback)
    attributes = sns.get_platform_application_attributes(PlatformApplicationArn=gcm_app)["Attributes"]
    # what was set, plus Enabled and AuthenticationMethod: never PlatformCredential
    assert attributes == {"Enabled": "true", "AuthenticationMethod": "Key", **feedback}
    # An empty value clears an attribute.
    sns.set_platform_application_attributes(
        PlatformApplicationArn=gcm_app, Attributes={"EventEndpointCreated": ""}
    )
    attributes = sns.get_platform_application_attributes(PlatformApplicationArn=gcm_app)["Attributes"]
    assert "EventEndpointCreated" not in attributes
    assert attributes["EventEndpointDeleted"] == topic


def test_apns_token_authentication_shows_team_and_bundle(sns):
    arn = sns.create_platform_application(
        Name="ios",
        Platform="APNS",
        Attributes={
            "PlatformPrincipal": "ABC123DEFG",
            "PlatformCredential": "-----BEGIN PRIVATE KEY-----\nsigning key\n-----END PRIVATE KEY-----",
            "ApplePlatformTeamID": "TEAM123456",
            "ApplePlatformBundleID": "com.example.app",
        },
    )["PlatformApplicationArn"]
    attributes = sns.get_platform_application_attributes(PlatformApplicationArn=arn)["Attributes"]
    assert attributes == {
        "Enabled": "true",
        "AuthenticationMethod": "Token",
        "ApplePlatformTeamID": "TEAM123456",
        "ApplePlatformBundleID": "com.example.app",
    }


def test_apns_certificate_expiry_is_reported(sns):
    expiry = dt.datetime(2031, 5, 17, 12, 30, tzinfo=dt.UTC)
    arn = sns.create_platform_application(
        Name="ios",
        Platform="APNS_SANDBOX",
        Attributes={"PlatformPrincipal": self_signed_pem(expiry), "PlatformCredential": "private key"},
    )["PlatformApplicationArn"]
    attributes = sns.get_platform_application_attributes(PlatformApplicationArn=arn)["Attributes"]
    assert attributes == {
        "Enabled": "true",
        "AuthenticationMethod": "Certificate",
        "AppleCertificateExpiryDate": "2031-05-17T12:30:00Z",
    }


def test_gcm_service_account_json_is_token_authentication(sns):
    arn = sns.create_platform_application(
        Name="fcm",
        Platform="GCM",
        Attributes={"PlatformCredential": '{"type": "service_account", "project_id": "demo"}'},
    )["PlatformApplicationArn"]
    attributes = sns.get_platform_application_attributes(PlatformApplicationArn=arn)["Attributes"]
    assert attributes["AuthenticationMethod"] == "Token"


def test_set_checks_values_and_keeps_the_rest(sns, gcm_app):
    with pytest.raises(ClientError) as excinfo:
        sns.set_platform_application_attributes(
            PlatformApplicationArn=gcm_app, Attributes={"SuccessFeedbackSampleRate": "101"}
        )
    assert error_of(excinfo) == attributes_error(
        "Invalid value for attribute: SuccessFeedbackSampleRate: "
        "101 value provided is not an integer between 0-100"
    )
    with pytest.raises(ClientError) as excinfo:
        sns.set_platform_application_attributes(
            PlatformApplicationArn=gcm_app, Attributes={"PlatformCredential": ""}
        )
    assert error_of(excinfo) == attributes_error(
        "Invalid value for attribute: PlatformCredential: cannot be empty"
    )
    # Rotating the credential changes what "the same application" means.
    sns.set_platform_application_attributes(
        PlatformApplicationArn=gcm_app, Attributes={"PlatformCredential": "new"}
    )
    with pytest.raises(ClientError):
        sns.create_platform_application(
            Name="mobile", Platform="GCM", Attributes={"PlatformCredential": "server-key"}
        )
    assert (
        sns.create_platform_application(
            Name="mobile", Platform="GCM", Attributes={"PlatformCredential": "new"}
        )["PlatformApplicationArn"]
        == gcm_app
    )


def test_unknown_or_malformed_application_arns(sns, gcm_app):
    with pytest.raises(ClientError) as excinfo:
        sns.get_platform_application_attributes(PlatformApplicationArn=gcm_app + "2")
    assert error_of(excinfo) == ("NotFound", "PlatformApplication does not exist")
    assert status_of(excinfo) == 404
    with pytest.raises(ClientError) as excinfo:
        sns.set_platform_application_attributes(
            PlatformApplicationArn=gcm_app + "2", Attributes={"SuccessFeedbackSampleRate": "5"}
        )
    assert error_of(excinfo) == ("NotFound", "PlatformApplication does not exist")
    with pytest.raises(ClientError) as excinfo:
        sns.get_platform_application_attributes(PlatformApplicationArn="a-fake-arn")
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: PlatformApplicationArn Reason: An ARN must have at least 6 elements, not 1",
    )
    with pytest.raises(ClientError) as excinfo:
        sns.get_platform_application_attributes(
            PlatformApplicationArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:topic"
        )
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: PlatformApplicationArn Reason: Wrong number of slashes in relative portion of the ARN.",
    )
    # Another region's application is not visible here.
    with pytest.raises(ClientError) as excinfo:
        sns.get_platform_application_attributes(PlatformApplicationArn=gcm_app.replace(REGION, "eu-west-1"))
    assert error_of(excinfo)[0] == "NotFound"


# ---------------------------------------------------------------------- Delete / List applications


def test_delete_platform_application_deletes_its_endpoints_and_is_idempotent(sns, gcm_app):
    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="device")["EndpointArn"]
    sns.delete_platform_application(PlatformApplicationArn=gcm_app)
    with pytest.raises(ClientError) as excinfo:
        sns.get_platform_application_attributes(PlatformApplicationArn=gcm_app)
    assert error_of(excinfo) == ("NotFound", "PlatformApplication does not exist")
    with pytest.raises(ClientError) as excinfo:
        sns.get_endpoint_attributes(EndpointArn=endpoint)
    assert error_of(excinfo) == ("NotFound", "Endpoint does not exist")
    sns.delete_platform_application(PlatformApplicationArn=gcm_app)  # again: still fine
    assert sns.list_platform_applications()["PlatformApplications"] == []


def test_list_platform_applications_pages_by_100(sns, aws_client):
    created = [
        sns.create_platform_application(
            Name=f"app{i:03}", Platform="GCM", Attributes={"PlatformCredential": "k"}
        )["PlatformApplicationArn"]
        for i in range(101)
    ]
    aws_client("sns", region_name="eu-west-1").create_platform_application(
        Name="elsewhere", Platform="GCM", Attributes={"PlatformCredential": "k"}
    )
    first = sns.list_platform_applications()
    assert len(first["PlatformApplications"]) == 100
    assert first["PlatformApplications"][0]["Attributes"] == {
        "Enabled": "true",
        "AuthenticationMethod": "Key",
    }
    second = sns.list_platform_applications(NextToken=first["NextToken"])
    assert "NextToken" not in second
    listed = [
        app["PlatformApplicationArn"]
        for app in first["PlatformApplications"] + second["PlatformApplications"]
    ]
    assert sorted(listed) == sorted(created)
    paginated = [
        app["PlatformApplicationArn"]
        for page in sns.get_paginator("list_platform_applications").paginate()
        for app in page["PlatformApplications"]
    ]
    assert paginated == listed


# ---------------------------------------------------------------------- CreatePlatformEndpoint


def test_create_platform_endpoint_and_its_attributes(sns, gcm_app):
    arn = sns.create_platform_endpoint(
        PlatformApplicationArn=gcm_app, Token="device-1", CustomUserData="user 42"
    )["EndpointArn"]
    assert ENDPOINT_ARN.fullmatch(arn)
    assert sns.get_endpoint_attributes(EndpointArn=arn)["Attributes"] == {
        "Enabled": "true",
        "Token": "device-1",
        "CustomUserData": "user 42",
    }
    plain = sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="device-2")["EndpointArn"]
    assert sns.get_endpoint_attributes(EndpointArn=plain)["Attributes"] == {
        "Enabled": "true",
        "Token": "device-2",
    }
    disabled = sns.create_platform_endpoint(
        PlatformApplicationArn=gcm_app,
        Token="device-3",
        Attributes={"Enabled": "False", "CustomUserData": "data"},
    )["EndpointArn"]
    assert sns.get_endpoint_attributes(EndpointArn=disabled)["Attributes"] == {
        "Enabled": "false",
        "Token": "device-3",
        "CustomUserData": "data",
    }


def test_create_platform_endpoint_is_idempotent_for_the_same_token_and_attributes(sns, gcm_app):
    first = sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="token")["EndpointArn"]
    assert sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="token")["EndpointArn"] == first
    # The default value, said out loud, is the same attributes.
    same = sns.create_platform_endpoint(
        PlatformApplicationArn=gcm_app, Token="token", Attributes={"Enabled": "true"}
    )
    assert same["EndpointArn"] == first
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_endpoint(
            PlatformApplicationArn=gcm_app, Token="token", CustomUserData="some user data"
        )
    assert error_of(excinfo) == (
        "InvalidParameter",
        f"Invalid parameter: Token Reason: Endpoint {first} already exists with the same Token, but different attributes.",
    )
    # An endpoint changed after creation no longer matches a plain create.
    sns.set_endpoint_attributes(EndpointArn=first, Attributes={"Enabled": "false"})
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="token")
    assert error_of(excinfo)[0] == "InvalidParameter"
    assert (
        sns.create_platform_endpoint(
            PlatformApplicationArn=gcm_app, Token="token", Attributes={"Enabled": "false"}
        )["EndpointArn"]
        == first
    )


def test_the_same_token_in_another_application_is_another_endpoint(sns, gcm_app):
    other = sns.create_platform_application(
        Name="other", Platform="GCM", Attributes={"PlatformCredential": "k"}
    )
    one = sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="shared")["EndpointArn"]
    two = sns.create_platform_endpoint(PlatformApplicationArn=other["PlatformApplicationArn"], Token="shared")
    assert two["EndpointArn"] != one
    assert "/GCM/other/" in two["EndpointArn"]


def test_create_platform_endpoint_errors(sns, gcm_app):
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_endpoint(PlatformApplicationArn=gcm_app + "2", Token="unknown_arn")
    assert error_of(excinfo) == ("NotFound", "PlatformApplication does not exist")
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="")
    assert error_of(excinfo) == ("InvalidParameter", "Invalid parameter: Token Reason: cannot be empty")
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_endpoint(
            PlatformApplicationArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:app/GCM", Token="t"
        )
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: PlatformApplicationArn Reason: Wrong number of slashes in relative portion of the ARN.",
    )
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="t", Attributes={"Token": ""})
    assert error_of(excinfo) == attributes_error("Invalid value for attribute: Token: cannot be empty")
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="t", Attributes={"Badge": "1"})
    assert error_of(excinfo) == attributes_error("Invalid attribute name: Badge")
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="t", Attributes={"Enabled": "yes"})
    assert error_of(excinfo)[1].startswith(
        "Invalid parameter: Attributes Reason: Invalid value for attribute: Enabled"
    )
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="t", CustomUserData="x" * 2049)
    assert error_of(excinfo)[0] == "InvalidParameter"
    # 2 KB exactly is fine; nothing was created by the failures above.
    sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="t", CustomUserData="x" * 2048)
    assert len(sns.list_endpoints_by_platform_application(PlatformApplicationArn=gcm_app)["Endpoints"]) == 1


def test_baidu_endpoints_need_channel_and_user_ids(sns):
    app = sns.create_platform_application(
        Name="cn",
        Platform="BAIDU",
        Attributes={"PlatformPrincipal": "api key", "PlatformCredential": "secret"},
    )["PlatformApplicationArn"]
    with pytest.raises(ClientError) as excinfo:
        sns.create_platform_endpoint(
            PlatformApplicationArn=app, Token="channel", Attributes={"ChannelId": "channel"}
        )
    assert error_of(excinfo) == attributes_error("UserId attribute required")
    arn = sns.create_platform_endpoint(
        PlatformApplicationArn=app, Token="channel", Attributes={"ChannelId": "channel", "UserId": "user"}
    )["EndpointArn"]
    assert sns.get_endpoint_attributes(EndpointArn=arn)["Attributes"] == {
        "Enabled": "true",
        "Token": "channel",
        "ChannelId": "channel",
        "UserId": "user",
    }


def test_apns_device_tokens_are_returned_in_lowercase(sns):
    app = sns.create_platform_application(
        Name="ios", Platform="APNS", Attributes={"PlatformPrincipal": "cert", "PlatformCredential": "key"}
    )["PlatformApplicationArn"]
    arn = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="ABCDEF0123")["EndpointArn"]
    assert sns.get_endpoint_attributes(EndpointArn=arn)["Attributes"]["Token"] == "abcdef0123"


# ---------------------------------------------------------------------- endpoint attributes, deletion, listing


def test_set_endpoint_attributes(sns, gcm_app):
    arn = sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="old", CustomUserData="data")[
        "EndpointArn"
    ]
    sns.set_endpoint_attributes(EndpointArn=arn, Attributes={"Token": "new", "Enabled": "FALSE"})
    assert sns.get_endpoint_attributes(EndpointArn=arn)["Attributes"] == {
        "Enabled": "false",
        "Token": "new",
        "CustomUserData": "data",
    }
    sns.set_endpoint_attributes(EndpointArn=arn, Attributes={"CustomUserData": "", "Enabled": "true"})
    assert sns.get_endpoint_attributes(EndpointArn=arn)["Attributes"] == {"Enabled": "true", "Token": "new"}
    # The endpoint is now found by its new token.
    assert sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="new")["EndpointArn"] == arn
    with pytest.raises(ClientError) as excinfo:
        sns.set_endpoint_attributes(EndpointArn=arn, Attributes={"Token": ""})
    assert error_of(excinfo) == attributes_error("Invalid value for attribute: Token: cannot be empty")


def test_unknown_endpoints(sns, gcm_app):
    missing = (
        f"arn:aws:sns:{REGION}:{ACCOUNT}:endpoint/APNS/my-application/c1f76c42-192a-4e75-b04f-a9268ce2abf3"
    )
    with pytest.raises(ClientError) as excinfo:
        sns.get_endpoint_attributes(EndpointArn=missing)
    assert error_of(excinfo) == ("NotFound", "Endpoint does not exist")
    assert excinfo.value.response["Error"]["Type"] == "Sender"
    with pytest.raises(ClientError) as excinfo:
        sns.set_endpoint_attributes(EndpointArn=missing, Attributes={"Enabled": "false"})
    assert error_of(excinfo) == ("NotFound", "Endpoint does not exist")
    with pytest.raises(ClientError) as excinfo:
        sns.get_endpoint_attributes(EndpointArn=gcm_app)
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: EndpointArn Reason: Wrong number of slashes in relative portion of the ARN.",
    )
    with pytest.raises(ClientError) as excinfo:
        sns.delete_endpoint(EndpointArn="endpoint")
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: EndpointArn Reason: An ARN must have at least 6 elements, not 1",
    )


def test_delete_endpoint_is_idempotent(sns, gcm_app):
    arn = sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="device")["EndpointArn"]
    sns.delete_endpoint(EndpointArn=arn)
    sns.delete_endpoint(EndpointArn=arn)
    with pytest.raises(ClientError) as excinfo:
        sns.get_endpoint_attributes(EndpointArn=arn)
    assert error_of(excinfo) == ("NotFound", "Endpoint does not exist")
    # The token is free again: a new endpoint, a new ARN.
    again = sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="device")["EndpointArn"]
    assert again != arn


def test_list_endpoints_by_platform_application_pages_by_100(sns, gcm_app):
    created = [
        sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token=f"device-{i:03}")["EndpointArn"]
        for i in range(101)
    ]
    first = sns.list_endpoints_by_platform_application(PlatformApplicationArn=gcm_app)
    assert len(first["Endpoints"]) == 100
    assert first["Endpoints"][0] == {
        "EndpointArn": created[0],
        "Attributes": {"Enabled": "true", "Token": "device-000"},
    }
    second = sns.list_endpoints_by_platform_application(
        PlatformApplicationArn=gcm_app, NextToken=first["NextToken"]
    )
    assert "NextToken" not in second
    assert [e["EndpointArn"] for e in first["Endpoints"] + second["Endpoints"]] == created
    with pytest.raises(ClientError) as excinfo:
        sns.list_endpoints_by_platform_application(PlatformApplicationArn=gcm_app, NextToken="not a token")
    assert error_of(excinfo)[0] == "InvalidParameter"


def test_list_endpoints_of_an_unknown_application(sns, gcm_app):
    with pytest.raises(ClientError) as excinfo:
        sns.list_endpoints_by_platform_application(PlatformApplicationArn=gcm_app + "2")
    assert error_of(excinfo) == ("NotFound", "PlatformApplication does not exist")
    assert sns.list_endpoints_by_platform_application(PlatformApplicationArn=gcm_app)["Endpoints"] == []


# ---------------------------------------------------------------------- what Publish reads


@in_process
def test_find_platform_endpoint_tells_publish_what_it_needs(sns, gcm_app, stratus_server):
    from stratus.services.sns.platform import find_platform_endpoint

    arn = sns.create_platform_endpoint(
        PlatformApplicationArn=gcm_app,
        Token="device",
        Attributes={"Enabled": "false", "CustomUserData": "u1"},
    )["EndpointArn"]
    runtime = stratus_server.runtime

    async def find(endpoint_arn: str):
        return find_platform_endpoint(runtime.providers.get("sns").db(), endpoint_arn)

    assert stratus_server.call_on_loop(find(arn)) == {
        "arn": arn,
        "application_arn": gcm_app,
        "platform": "GCM",
        "token": "device",
        "enabled": False,
        "application_enabled": True,
        "custom_user_data": "u1",
    }
    assert stratus_server.call_on_loop(find(arn + "0")) is None
