"""AssumeRoleWithWebIdentity against a real (local, HTTPS) OpenID Connect issuer: the token's
signature, issuer, audience and expiry are checked as AWS checks them, then the trust policy."""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from stratus.testing import post_json

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("STRATUS_ENDPOINT")), reason="the issuer's certificate is trusted in-process only"
)
ACCOUNT = "000000000000"


def _certificate(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "issuer.pem", tmp_path / "issuer.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    """A local OIDC issuer over HTTPS: its signing key, URL and CA file."""
    tmp_path = tmp_path_factory.mktemp("oidc")
    cert_file, key_file = _certificate(tmp_path)
    signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(signing_key.public_key()))
    jwk.update({"kid": "k1", "use": "sig", "alg": "RS256"})
    documents: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            body = documents.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body or b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    url = f"https://127.0.0.1:{server.server_address[1]}"
    documents["/.well-known/openid-configuration"] = json.dumps(
        {"issuer": url, "jwks_uri": f"{url}/jwks"}
    ).encode()
    documents["/jwks"] = json.dumps({"keys": [jwk]}).encode()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": url, "key": signing_key, "ca": str(cert_file)}
    server.shutdown()


@pytest.fixture
def trusted(issuer, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", issuer["ca"])
    return issuer


def token(issuer, *, audience="my-app", subject="user-1", expires_in=600, key=None, issuer_url=None):
    now = int(time.time())
    claims = {
        "iss": issuer_url or issuer["url"],
        "sub": subject,
        "aud": audience,
        "iat": now,
        "exp": now + expires_in,
    }
    return jwt.encode(claims, key or issuer["key"], algorithm="RS256", headers={"kid": "k1"})


@pytest.fixture
def setup(aws_client, stratus_endpoint, trusted):
    iam = aws_client("iam")
    provider = iam.create_open_id_connect_provider(Url=trusted["url"], ClientIDList=["my-app"])[
        "OpenIDConnectProviderArn"
    ]
    host = trusted["url"].removeprefix("https://")
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{host}:aud": "my-app", f"{host}:sub": "user-1"}},
            }
        ],
    }
    role = iam.create_role(RoleName="web", AssumeRolePolicyDocument=json.dumps(document))["Role"]
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    sts = aws_client("sts", config=Config(signature_version=UNSIGNED))
    return {"sts": sts, "role": role, "provider": provider}


def test_a_valid_token_assumes_the_role(setup, trusted, aws_client):
    answer = setup["sts"].assume_role_with_web_identity(
        RoleArn=setup["role"]["Arn"], RoleSessionName="web-session", WebIdentityToken=token(trusted)
    )
    assert answer["SubjectFromWebIdentityToken"] == "user-1"
    assert answer["Audience"] == "my-app"
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/web/web-session"
    credentials = answer["Credentials"]
    session = aws_client(
        "sts",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    assert session.get_caller_identity()["Arn"] == answer["AssumedRoleUser"]["Arn"]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"audience": "other-app"}, "InvalidIdentityToken"),
        ({"subject": "user-2"}, "AccessDenied"),
        ({"expires_in": -60}, "ExpiredTokenException"),
        ({"key": "forged"}, "InvalidIdentityToken"),
        ({"issuer_url": "https://unknown.example.com"}, "InvalidIdentityToken"),
    ],
)
def test_bad_tokens_are_refused(setup, trusted, kwargs, code):
    if kwargs.get("key") == "forged":
        kwargs["key"] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(ClientError) as caught:
        setup["sts"].assume_role_with_web_identity(
            RoleArn=setup["role"]["Arn"], RoleSessionName="s1", WebIdentityToken=token(trusted, **kwargs)
        )
    assert caught.value.response["Error"]["Code"] == code


def test_a_token_that_is_not_a_jwt_is_refused(setup):
    with pytest.raises(ClientError) as caught:
        setup["sts"].assume_role_with_web_identity(
            RoleArn=setup["role"]["Arn"], RoleSessionName="s1", WebIdentityToken="not-a-jwt-at-all"
        )
    assert caught.value.response["Error"]["Code"] == "InvalidIdentityToken"
