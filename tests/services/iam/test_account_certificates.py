"""Server certificates, signing certificates, SSH public keys and service-specific credentials."""

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

ACCOUNT = "000000000000"


def error_of(excinfo) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def _key(bits: int = 2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _certificate(key, common_name: str) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _private_pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture(scope="module")
def keys():
    return [_key() for _ in range(3)]


@pytest.fixture
def iam(aws_client):
    return aws_client("iam")


# ---------------------------------------------------------------- server certificates


def test_server_certificate_lifecycle(iam, keys):
    body = _certificate(keys[0], "www.example.com")
    chain = _certificate(keys[1], "Example CA")
    uploaded = iam.upload_server_certificate(
        ServerCertificateName="web",
        Path="/cloudfront/",
        CertificateBody=body,
        PrivateKey=_private_pem(keys[0]),
        CertificateChain=chain,
        Tags=[{"Key": "site", "Value": "www"}],
    )
    metadata = uploaded["ServerCertificateMetadata"]
    assert metadata["Arn"] == f"arn:aws:iam::{ACCOUNT}:server-certificate/cloudfront/web"
    assert metadata["ServerCertificateId"].startswith("ASCA")
    assert metadata["Expiration"] > datetime.now(UTC) + timedelta(days=300)
    assert uploaded["Tags"] == [{"Key": "site", "Value": "www"}]

    got = iam.get_server_certificate(ServerCertificateName="web")["ServerCertificate"]
    assert got["CertificateBody"] == body and got["CertificateChain"] == chain
    assert "PrivateKey" not in got

    listed = iam.list_server_certificates(PathPrefix="/cloudfront/")["ServerCertificateMetadataList"]
    assert [entry["ServerCertificateName"] for entry in listed] == ["web"]
    assert iam.list_server_certificates(PathPrefix="/elb/")["ServerCertificateMetadataList"] == []

    iam.update_server_certificate(
        ServerCertificateName="web", NewServerCertificateName="web-2", NewPath="/elb/"
    )
    renamed = iam.get_server_certificate(ServerCertificateName="web-2")["ServerCertificate"]
    assert renamed["ServerCertificateMetadata"]["Arn"].endswith(":server-certificate/elb/web-2")
    with pytest.raises(ClientError) as excinfo:
        iam.get_server_certificate(ServerCertificateName="web")
    assert error_of(excinfo) == ("NoSuchEntity", "The Server Certificate with name web cannot be found.")

    iam.tag_server_certificate(ServerCertificateName="web-2", Tags=[{"Key": "team", "Value": "edge"}])
    iam.untag_server_certificate(ServerCertificateName="web-2", TagKeys=["site"])
    assert iam.list_server_certificate_tags(ServerCertificateName="web-2")["Tags"] == [
        {"Key": "team", "Value": "edge"}
    ]
    iam.delete_server_certificate(ServerCertificateName="web-2")
    assert iam.list_server_certificates()["ServerCertificateMetadataList"] == []


def test_server_certificate_errors(iam, keys):
    body = _certificate(keys[0], "www.example.com")
    with pytest.raises(ClientError) as excinfo:
        iam.upload_server_certificate(
            ServerCertificateName="bad", CertificateBody="not a certificate", PrivateKey=_private_pem(keys[0])
        )
    assert excinfo.value.response["Error"]["Code"] == "MalformedCertificate"
    with pytest.raises(ClientError) as excinfo:
        iam.upload_server_certificate(
            ServerCertificateName="mismatch", CertificateBody=body, PrivateKey=_private_pem(keys[1])
        )
    assert excinfo.value.response["Error"]["Code"] == "KeyPairMismatch"
    iam.upload_server_certificate(
        ServerCertificateName="web", CertificateBody=body, PrivateKey=_private_pem(keys[0])
    )
    with pytest.raises(ClientError) as excinfo:
        iam.upload_server_certificate(
            ServerCertificateName="web", CertificateBody=body, PrivateKey=_private_pem(keys[0])
        )
    assert excinfo.value.response["Error"]["Code"] == "EntityAlreadyExists"


# ---------------------------------------------------------------- signing certificates


def test_signing_certificates(iam, keys):
    iam.create_user(UserName="alice")
    body = _certificate(keys[0], "one")
    first = iam.upload_signing_certificate(UserName="alice", CertificateBody=body)
    cert_id = first["Certificate"]["CertificateId"]
    assert first["Certificate"]["Status"] == "Active" and len(cert_id) >= 24
    with pytest.raises(ClientError) as excinfo:
        iam.upload_signing_certificate(UserName="alice", CertificateBody="\n" + body)
    assert excinfo.value.response["Error"]["Code"] == "DuplicateCertificate"
    iam.upload_signing_certificate(UserName="alice", CertificateBody=_certificate(keys[1], "two"))
    with pytest.raises(ClientError) as excinfo:
        iam.upload_signing_certificate(UserName="alice", CertificateBody=_certificate(keys[2], "three"))
    assert error_of(excinfo) == ("LimitExceeded", "Cannot exceed quota for SigningCertificatesPerUser: 2")

    iam.update_signing_certificate(UserName="alice", CertificateId=cert_id, Status="Inactive")
    statuses = {
        c["CertificateId"]: c["Status"]
        for c in iam.list_signing_certificates(UserName="alice")["Certificates"]
    }
    assert statuses[cert_id] == "Inactive" and len(statuses) == 2

    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName="alice")
    assert error_of(excinfo) == (
        "DeleteConflict",
        "Cannot delete entity, must delete signing certificates first.",
    )
    for cert in iam.list_signing_certificates(UserName="alice")["Certificates"]:
        iam.delete_signing_certificate(UserName="alice", CertificateId=cert["CertificateId"])
    with pytest.raises(ClientError) as excinfo:
        iam.delete_signing_certificate(UserName="alice", CertificateId=cert_id)
    assert excinfo.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as excinfo:
        iam.upload_signing_certificate(UserName="alice", CertificateBody="garbage")
    assert excinfo.value.response["Error"]["Code"] == "MalformedCertificate"
    iam.delete_user(UserName="alice")


# ---------------------------------------------------------------- SSH public keys


def test_ssh_public_keys(iam, keys):
    iam.create_user(UserName="alice")
    openssh = (
        keys[0]
        .public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )
    uploaded = iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody=openssh + " alice@laptop")[
        "SSHPublicKey"
    ]
    key_id = uploaded["SSHPublicKeyId"]
    assert key_id.startswith("APKA") and uploaded["Status"] == "Active"
    digest = hashlib.md5(base64.b64decode(openssh.split()[1])).hexdigest()
    assert uploaded["Fingerprint"] == ":".join(digest[i : i + 2] for i in range(0, 32, 2))

    as_pem = iam.get_ssh_public_key(UserName="alice", SSHPublicKeyId=key_id, Encoding="PEM")["SSHPublicKey"]
    assert as_pem["SSHPublicKeyBody"].startswith("-----BEGIN PUBLIC KEY-----")
    as_ssh = iam.get_ssh_public_key(UserName="alice", SSHPublicKeyId=key_id, Encoding="SSH")["SSHPublicKey"]
    assert as_ssh["SSHPublicKeyBody"] == openssh

    with pytest.raises(ClientError) as excinfo:
        iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody=openssh)
    assert excinfo.value.response["Error"]["Code"] == "DuplicateSSHPublicKey"
    pem = (
        keys[1]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody=pem)
    assert len(iam.list_ssh_public_keys(UserName="alice")["SSHPublicKeys"]) == 2

    iam.update_ssh_public_key(UserName="alice", SSHPublicKeyId=key_id, Status="Inactive")
    statuses = {
        k["SSHPublicKeyId"]: k["Status"] for k in iam.list_ssh_public_keys(UserName="alice")["SSHPublicKeys"]
    }
    assert statuses[key_id] == "Inactive"

    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName="alice")
    assert error_of(excinfo) == ("DeleteConflict", "Cannot delete entity, must delete SSH public keys first.")
    for key in iam.list_ssh_public_keys(UserName="alice")["SSHPublicKeys"]:
        iam.delete_ssh_public_key(UserName="alice", SSHPublicKeyId=key["SSHPublicKeyId"])
    with pytest.raises(ClientError) as excinfo:
        iam.get_ssh_public_key(UserName="alice", SSHPublicKeyId=key_id, Encoding="SSH")
    assert excinfo.value.response["Error"]["Code"] == "NoSuchEntity"
    iam.delete_user(UserName="alice")


def test_ssh_keys_that_iam_refuses(iam):
    iam.create_user(UserName="alice")
    with pytest.raises(ClientError) as excinfo:
        iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody="ssh-rsa not-base64-at-all")
    assert excinfo.value.response["Error"]["Code"] == "UnrecognizedPublicKeyEncoding"
    small = (
        _key(1024)
        .public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    )
    with pytest.raises(ClientError) as excinfo:
        iam.upload_ssh_public_key(UserName="alice", SSHPublicKeyBody=small.decode())
    assert excinfo.value.response["Error"]["Code"] == "InvalidPublicKey"


# ---------------------------------------------------------------- service-specific credentials


def test_service_specific_credentials(iam):
    iam.create_user(UserName="alice")
    created = iam.create_service_specific_credential(UserName="alice", ServiceName="codecommit.amazonaws.com")
    credential = created["ServiceSpecificCredential"]
    credential_id = credential["ServiceSpecificCredentialId"]
    assert credential_id.startswith("ACCA")
    assert credential["ServiceUserName"] == f"alice-at-{ACCOUNT}"
    assert credential["Status"] == "Active" and len(credential["ServicePassword"]) >= 20

    listed = iam.list_service_specific_credentials(UserName="alice")["ServiceSpecificCredentials"]
    assert [c["ServiceSpecificCredentialId"] for c in listed] == [credential_id]
    assert "ServicePassword" not in listed[0]

    reset = iam.reset_service_specific_credential(UserName="alice", ServiceSpecificCredentialId=credential_id)
    assert reset["ServiceSpecificCredential"]["ServicePassword"] != credential["ServicePassword"]
    iam.update_service_specific_credential(
        UserName="alice", ServiceSpecificCredentialId=credential_id, Status="Inactive"
    )
    listed = iam.list_service_specific_credentials(UserName="alice", ServiceName="codecommit.amazonaws.com")
    assert listed["ServiceSpecificCredentials"][0]["Status"] == "Inactive"

    iam.create_service_specific_credential(UserName="alice", ServiceName="codecommit.amazonaws.com")
    with pytest.raises(ClientError) as excinfo:
        iam.create_service_specific_credential(UserName="alice", ServiceName="codecommit.amazonaws.com")
    assert excinfo.value.response["Error"]["Code"] == "LimitExceeded"
    with pytest.raises(ClientError) as excinfo:
        iam.create_service_specific_credential(UserName="alice", ServiceName="s3.amazonaws.com")
    assert excinfo.value.response["Error"]["Code"] == "NotSupportedService"

    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName="alice")
    assert excinfo.value.response["Error"]["Code"] == "DeleteConflict"
    for item in iam.list_service_specific_credentials(UserName="alice")["ServiceSpecificCredentials"]:
        iam.delete_service_specific_credential(
            UserName="alice", ServiceSpecificCredentialId=item["ServiceSpecificCredentialId"]
        )
    with pytest.raises(ClientError) as excinfo:
        iam.reset_service_specific_credential(UserName="alice", ServiceSpecificCredentialId=credential_id)
    assert excinfo.value.response["Error"]["Code"] == "NoSuchEntity"
    iam.delete_user(UserName="alice")
