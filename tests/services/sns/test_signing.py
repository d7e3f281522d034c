"""SNS message signatures: the canonical string, RSA signing per SignatureVersion, persisted identities."""

import base64
import datetime
import shutil
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from stratus.services.sns import signing
from stratus.services.sns.schema import MIGRATIONS, SNS_DATABASE
from stratus.store import StateStore

TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:events"

# A notification AWS itself signed (SignatureVersion 1), with the certificate it names. Both are
# test fixtures of the AWS SDK for Java (aws-java-sdk-sns/src/test/resources): verifying this
# signature proves our string to sign is byte for byte the one AWS signs.
AWS_SIGNED_NOTIFICATION = {
    "Type": "Notification",
    "MessageId": "d39649d4-bf5b-5b80-af75-07acb3dd9b4a",
    "TopicArn": "arn:aws:sns:us-east-1:810605503585:just_testing",
    "Subject": "this is raw",
    "Message": "boo",
    "Timestamp": "2015-09-20T01:22:14.001Z",
    "SignatureVersion": "1",
    "Signature": (
        "fQh5DUyhpw41y6tx/BJuqK2Clvs7uY6N7poaOfzK08E+C6saKq9dMz5b9A0lGWWU7VsB+qHELBaL3OdS9U4BmFI36Ppt5Q6Bs"
        "WmqSho+1hgwBYFFFZghO6BYXxsNmLml1yZl2X+MQKy3D516hgN7pUvYnvvq2cfsvy21ivU6Oiv96gcte2s+aPUi6O9CAdc2"
        "GfZRXCqC9wowKoxhFUUQW/UTHQfxt/60qWgNxhhVwAbPtnXWkAXwxixYKl5qOHcl3u2TxkAHn+1X8XmgjnpvEO5p0vQvOEH"
        "XBnGsjPglRXE9g5FVnAFXjhvHXeTWUcVLNI0eSRJeOBPbKpkjeDsR4g=="
    ),
    "SigningCertURL": (
        "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-bb750dd426d95ee9390147a5624348ee.pem"
    ),
    "UnsubscribeURL": (
        "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
        "arn:aws:sns:us-east-1:810605503585:just_testing:3c6297c1-326e-4931-9351-ccc48e02f08a"
    ),
}
AWS_CERTIFICATE = b"""-----BEGIN CERTIFICATE-----
MIIE2zCCA8OgAwIBAgIQEyYsBRbV0xBZovJwPnu51TANBgkqhkiG9w0BAQsFADB+
MQswCQYDVQQGEwJVUzEdMBsGA1UEChMUU3ltYW50ZWMgQ29ycG9yYXRpb24xHzAd
BgNVBAsTFlN5bWFudGVjIFRydXN0IE5ldHdvcmsxLzAtBgNVBAMTJlN5bWFudGVj
IENsYXNzIDMgU2VjdXJlIFNlcnZlciBDQSAtIEc0MB4XDTE1MDgwNzAwMDAwMFoX
DTE2MDgyMTIzNTk1OVowazELMAkGA1UEBhMCVVMxEzARBgNVBAgMCldhc2hpbmd0
b24xEDAOBgNVBAcMB1NlYXR0bGUxGTAXBgNVBAoMEEFtYXpvbi5jb20sIEluYy4x
GjAYBgNVBAMMEXNucy5hbWF6b25hd3MuY29tMIIBIjANBgkqhkiG9w0BAQEFAAOC
AQ8AMIIBCgKCAQEAhJxlGxd4K3wE9m2DFSnUDa+8f9VtclE63p3IgP4Ek/JruNCl
M8yQiZWhXxTu+ASn6plnL5kIQNv/OzpRkC2ko1hjx31JQmjL9H29AlQgVXr4UeIm
RZc8AGqh00xLvopj3J+t/oigH5zeMh+rhOYoqr9NjvFUIFfFat42XOhUNpOyPiLb
N6yuD7Vec7jlVeTG9q7W+V0TupmiQ+pM/RX+ksCCFlQkLH8fB3H4Nr7IHjWuAify
Z+djibL1CR/e2rEDAmpK1wA4Hkx5YFNDAp/WgAs6nSq7MtEvfs1oP1dHwYaNA8Z2
zcYGqb5ORtz1bFZy+JLzf7K/PnqEzkf8ywC3IwIDAQABo4IBZjCCAWIwHAYDVR0R
BBUwE4IRc25zLmFtYXpvbmF3cy5jb20wCQYDVR0TBAIwADAOBgNVHQ8BAf8EBAMC
BaAwHQYDVR0lBBYwFAYIKwYBBQUHAwEGCCsGAQUFBwMCMGEGA1UdIARaMFgwVgYG
Z4EMAQICMEwwIwYIKwYBBQUHAgEWF2h0dHBzOi8vZC5zeW1jYi5jb20vY3BzMCUG
CCsGAQUFBwICMBkaF2h0dHBzOi8vZC5zeW1jYi5jb20vcnBhMB8GA1UdIwQYMBaA
FF9gz2GQVd+EQxSKYCqy9Xr0QxjvMCsGA1UdHwQkMCIwIKAeoByGGmh0dHA6Ly9z
cy5zeW1jYi5jb20vc3MuY3JsMFcGCCsGAQUFBwEBBEswSTAfBggrBgEFBQcwAYYT
aHR0cDovL3NzLnN5bWNkLmNvbTAmBggrBgEFBQcwAoYaaHR0cDovL3NzLnN5bWNi
LmNvbS9zcy5jcnQwDQYJKoZIhvcNAQELBQADggEBADJP+dxUtQlrRiyt4xn8R184
wjyf/OVfnA2YqIKPQKz17JPwmm1grDGGw2A6LvsIENHZFg67twZqHgrzmtL4iVrv
lBCef1QA4AUyUZsJWobx7cCB44PlVcfad69q61OzXMSVUSWzyvw3PU7NW/b2Ny9C
Zj1p/uwaUOlS6NQTkAlAqE8JZK5f8/kAcoebd0GWBcJwZ5AY0/5ZMzaa55hW+im8
GzjWCO0mkK6swdvpPYPeQUQ2lb/mqj6HBHa864sgPMgjyx9TuviYWsKhbUZIpysy
tKvJsKCmyR4pp0HpCsf0tOxrWRjH9cnuqrR//iKXPw3HlYpa5wu9c51cLH/D3dU=
-----END CERTIFICATE-----
"""


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def identity():
    """One generated identity for the module: key generation is the slow part."""
    return signing.generate_identity("us-east-1")


@pytest.fixture(scope="module")
def other_identity():
    return signing.generate_identity("us-east-1")


@pytest.fixture
def store(tmp_path):
    state = StateStore(tmp_path)
    yield state
    state.close()


@pytest.fixture
def db(store):
    database = store.database(SNS_DATABASE, MIGRATIONS)
    yield database
    signing.clear_identity_cache(database)


def notification(version="1", subject="Hello", **extra):
    message = {
        "Type": "Notification",
        "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "TopicArn": TOPIC_ARN,
        "Message": "hello world\nsecond line: ünïcödé",
        "Timestamp": "2012-05-02T00:54:06.655Z",
        "SignatureVersion": version,
        "SigningCertURL": "http://localhost:4566/_stratus/sns/SimpleNotificationService-x.pem",
        "UnsubscribeURL": "http://localhost:4566/?Action=Unsubscribe&SubscriptionArn=x",
    }
    if subject is not None:
        message["Subject"] = subject
    return message | extra


def confirmation(message_type, version="1"):
    return {
        "Type": message_type,
        "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "Token": "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a7",
        "TopicArn": TOPIC_ARN,
        "Message": f"You have chosen to subscribe to the topic {TOPIC_ARN}.",
        "SubscribeURL": "http://localhost:4566/?Action=ConfirmSubscription&TopicArn=x&Token=y",
        "Timestamp": "2012-04-26T20:45:04.751Z",
        "SignatureVersion": version,
        "SigningCertURL": "http://localhost:4566/_stratus/sns/SimpleNotificationService-x.pem",
    }


def signed(message, identity):
    return message | {"Signature": signing.sign(message, identity)}


# ---------------------------------------------------------------------------- string to sign


def test_string_to_sign_of_a_notification_lists_the_fields_in_order():
    assert (
        signing.string_to_sign(notification(subject="Greetings"))
        == (
            "Message\nhello world\nsecond line: ünïcödé\n"
            "MessageId\n165545c9-2a5c-472c-8df2-7ff2be2b3b1b\n"
            "Subject\nGreetings\n"
            "Timestamp\n2012-05-02T00:54:06.655Z\n"
            f"TopicArn\n{TOPIC_ARN}\n"
            "Type\nNotification\n"
        ).encode()
    )


@pytest.mark.parametrize("subject", ["absent", None])
def test_string_to_sign_of_a_notification_without_subject_leaves_it_out(subject):
    message = notification(subject=None)
    if subject is None:
        message["Subject"] = None
    data = signing.string_to_sign(message)
    assert b"Subject" not in data
    assert data.startswith(b"Message\n") and data.endswith(b"Type\nNotification\n")


@pytest.mark.parametrize("message_type", ["SubscriptionConfirmation", "UnsubscribeConfirmation"])
def test_string_to_sign_of_a_confirmation(message_type):
    message = confirmation(message_type)
    assert (
        signing.string_to_sign(message)
        == (
            f"Message\nYou have chosen to subscribe to the topic {TOPIC_ARN}.\n"
            "MessageId\n165545c9-2a5c-472c-8df2-7ff2be2b3b1b\n"
            "SubscribeURL\nhttp://localhost:4566/?Action=ConfirmSubscription&TopicArn=x&Token=y\n"
            "Timestamp\n2012-04-26T20:45:04.751Z\n"
            "Token\n2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a7\n"
            f"TopicArn\n{TOPIC_ARN}\n"
            f"Type\n{message_type}\n"
        ).encode()
    )


def test_string_to_sign_ignores_unsigned_fields():
    plain = notification()
    decorated = plain | {
        "MessageAttributes": {"a": {"Type": "String", "Value": "b"}},
        "UnsubscribeURL": "http://elsewhere/",
        "Signature": "whatever",
    }
    assert signing.string_to_sign(plain) == signing.string_to_sign(decorated)


def test_string_to_sign_rejects_unknown_types_and_missing_fields():
    with pytest.raises(ValueError, match="Type"):
        signing.string_to_sign(notification(Type="Other"))
    message = confirmation("SubscriptionConfirmation")
    del message["Token"]
    with pytest.raises(ValueError, match="Token"):
        signing.string_to_sign(message)


def test_string_to_sign_matches_a_message_aws_signed():
    assert signing.verify(AWS_SIGNED_NOTIFICATION, AWS_CERTIFICATE)
    tampered = AWS_SIGNED_NOTIFICATION | {"Subject": "this is not raw"}
    assert not signing.verify(tampered, AWS_CERTIFICATE)


# ---------------------------------------------------------------------------- sign and verify


@pytest.mark.parametrize("version", ["1", "2"])
@pytest.mark.parametrize(
    "make",
    [
        lambda v: notification(v),
        lambda v: notification(v, subject=None),
        lambda v: confirmation("SubscriptionConfirmation", v),
        lambda v: confirmation("UnsubscribeConfirmation", v),
    ],
    ids=["notification", "notification-no-subject", "subscription-confirmation", "unsubscribe-confirmation"],
)
def test_sign_then_verify(identity, make, version):
    message = signed(make(version), identity)
    assert len(base64.b64decode(message["Signature"], validate=True)) == 256  # RSA-2048
    assert signing.verify(message, identity.certificate_pem.encode())
    assert signing.verify(message, identity.certificate_pem)  # str accepted too


def test_signature_versions_use_different_digests(identity):
    v1 = signing.sign(notification("1"), identity)
    v2 = signing.sign(notification("2"), identity)
    assert v1 != v2
    # A version-1 signature presented as version 2 does not verify (the digest differs).
    assert not signing.verify(notification("2") | {"Signature": v1}, identity.certificate_pem)
    assert signing.verify(notification("1") | {"Signature": v1}, identity.certificate_pem)


def test_signing_is_deterministic(identity):
    # PKCS#1 v1.5 signatures have no randomness: a retried delivery carries the same signature.
    assert signing.sign(notification("2"), identity) == signing.sign(notification("2"), identity)


@pytest.mark.parametrize(
    "field, value",
    [
        ("Message", "hello world!"),
        ("MessageId", "165545c9-2a5c-472c-8df2-7ff2be2b3b1c"),
        ("Subject", "Hello!"),
        ("Timestamp", "2012-05-02T00:54:06.656Z"),
        ("TopicArn", TOPIC_ARN + "2"),
    ],
)
@pytest.mark.parametrize("version", ["1", "2"])
def test_tampered_notification_fails(identity, field, value, version):
    message = signed(notification(version), identity)
    assert not signing.verify(message | {field: value}, identity.certificate_pem)


def test_added_or_removed_subject_fails(identity):
    with_subject = signed(notification(), identity)
    without = dict(with_subject)
    del without["Subject"]
    assert not signing.verify(without, identity.certificate_pem)
    no_subject = signed(notification(subject=None), identity)
    assert not signing.verify(no_subject | {"Subject": "added"}, identity.certificate_pem)


@pytest.mark.parametrize("field", ["SubscribeURL", "Token", "Type"])
def test_tampered_confirmation_fails(identity, field):
    message = signed(confirmation("SubscriptionConfirmation"), identity)
    value = "UnsubscribeConfirmation" if field == "Type" else message[field] + "x"
    assert signing.verify(message, identity.certificate_pem)
    assert not signing.verify(message | {field: value}, identity.certificate_pem)


def test_wrong_certificate_fails(identity, other_identity):
    message = signed(notification("2"), identity)
    assert not signing.verify(message, other_identity.certificate_pem)
    assert not signing.verify(message, AWS_CERTIFICATE)


def test_verify_rejects_garbage_instead_of_raising(identity):
    message = signed(notification(), identity)
    assert not signing.verify(message | {"Signature": "not base64!"}, identity.certificate_pem)
    assert not signing.verify(message | {"SignatureVersion": "3"}, identity.certificate_pem)
    assert not signing.verify(
        {k: v for k, v in message.items() if k != "Signature"}, identity.certificate_pem
    )
    assert not signing.verify(message, b"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")


def test_sign_rejects_unknown_signature_version(identity):
    with pytest.raises(ValueError, match="SignatureVersion"):
        signing.sign(notification("3"), identity)
    message = notification()
    del message["SignatureVersion"]
    with pytest.raises(ValueError, match="SignatureVersion"):
        signing.sign(message, identity)


# ---------------------------------------------------------------------------- the certificate


def test_certificate_is_a_self_signed_rsa_2048_x509(identity):
    certificate = x509.load_pem_x509_certificate(identity.certificate_pem.encode())
    key = certificate.public_key()
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048
    assert key.public_numbers() == identity.private_key.public_key().public_numbers()
    assert certificate.subject == certificate.issuer
    assert (
        certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
        == "sns.us-east-1.amazonaws.com"
    )
    assert certificate.signature_hash_algorithm.name == "sha256"
    certificate.verify_directly_issued_by(certificate)  # raises unless the self-signature is valid
    now = datetime.datetime.now(datetime.UTC)
    assert certificate.not_valid_before_utc < now - datetime.timedelta(hours=23)
    assert certificate.not_valid_after_utc > now + datetime.timedelta(days=3600)


def test_certificate_names_the_partition_host():
    cn = signing.generate_identity("cn-north-1")
    certificate = x509.load_pem_x509_certificate(cn.certificate_pem.encode())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["sns.cn-north-1.amazonaws.com.cn"]


def test_certificate_file_name(identity):
    name = signing.certificate_file_name(identity)
    assert name == f"SimpleNotificationService-{identity.certificate_id}.pem"
    assert len(identity.certificate_id) == 32 and int(identity.certificate_id, 16) >= 0


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not on the PATH")
def test_openssl_accepts_the_certificate(identity, tmp_path):
    path = tmp_path / signing.certificate_file_name(identity)
    path.write_text(identity.certificate_pem)
    result = subprocess.run(
        ["openssl", "x509", "-noout", "-text", "-in", str(path)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert (
        "CN = sns.us-east-1.amazonaws.com" in result.stdout
        or "CN=sns.us-east-1.amazonaws.com" in result.stdout
    )
    assert "sha256WithRSAEncryption" in result.stdout
    assert "Public-Key: (2048 bit)" in result.stdout


# ---------------------------------------------------------------------------- persisted identities


def test_identity_is_created_once_per_region_and_persisted(db):
    first = signing.load_or_create_identity(db, "us-east-1")
    assert signing.load_or_create_identity(db, "us-east-1") is first  # cached, not re-read
    other_region = signing.load_or_create_identity(db, "eu-west-1")
    assert other_region.certificate_id != first.certificate_id
    rows = db.query("SELECT region, certificate_id, certificate_pem FROM sns_signing_keys ORDER BY region")
    assert [(r["region"], r["certificate_id"]) for r in rows] == [
        ("eu-west-1", other_region.certificate_id),
        ("us-east-1", first.certificate_id),
    ]
    assert rows[1]["certificate_pem"] == first.certificate_pem


def test_identity_survives_a_restart(tmp_path):
    store = StateStore(tmp_path)
    db = store.database(SNS_DATABASE, MIGRATIONS)
    created = signing.load_or_create_identity(db, "us-west-2")
    message = signed(notification("2"), created)
    store.close()
    signing.clear_identity_cache()  # as a new process would start: nothing in memory

    reopened_store = StateStore(tmp_path)
    try:
        reopened = reopened_store.database(SNS_DATABASE, MIGRATIONS)
        loaded = signing.load_or_create_identity(reopened, "us-west-2")
        assert loaded is not created
        assert loaded == created  # same id, key and certificate
        assert signing.verify(message, loaded.certificate_pem)
        assert signing.sign(notification("2"), loaded) == message["Signature"]
        assert reopened.query_one("SELECT COUNT(*) AS n FROM sns_signing_keys")["n"] == 1
    finally:
        signing.clear_identity_cache(reopened)
        reopened_store.close()


def test_store_identity_keeps_the_first_one(db, identity, other_identity):
    assert signing.store_identity(db, identity) is identity
    signing.clear_identity_cache(db)
    winner = signing.store_identity(db, other_identity)  # a racing creator loses
    assert winner.certificate_id == identity.certificate_id
    assert winner.private_key_pem == identity.private_key_pem
    assert signing.lookup_identity(db, "us-east-1") is winner


def test_identity_created_in_a_rolled_back_transaction_is_forgotten(db):
    with pytest.raises(RuntimeError), db.transaction():
        doomed = signing.load_or_create_identity(db, "ap-south-1")
        raise RuntimeError("the surrounding operation failed")
    assert signing.lookup_identity(db, "ap-south-1") is None  # neither in the db nor in the cache
    created = signing.load_or_create_identity(db, "ap-south-1")
    assert created.certificate_id != doomed.certificate_id


def test_identity_created_in_a_committed_transaction_is_kept(db):
    with db.transaction():
        created = signing.load_or_create_identity(db, "ap-south-1")
    assert signing.load_or_create_identity(db, "ap-south-1") == created


def test_certificate_pem_for(db):
    created = signing.load_or_create_identity(db, "us-east-1")
    assert signing.certificate_pem_for(db, created.certificate_id) == created.certificate_pem
    signing.clear_identity_cache(db)
    assert signing.certificate_pem_for(db, created.certificate_id) == created.certificate_pem  # from the db
    assert signing.certificate_pem_for(db, "0" * 32) is None


def test_identities_of_different_databases_are_separate(tmp_path, db):
    other_store = StateStore(tmp_path / "other")
    try:
        other_db = other_store.database(SNS_DATABASE, MIGRATIONS)
        here = signing.load_or_create_identity(db, "us-east-1")
        there = signing.load_or_create_identity(other_db, "us-east-1")
        assert here.certificate_id != there.certificate_id
        signing.clear_identity_cache(other_db)
        assert signing.lookup_identity(db, "us-east-1") is here  # the other cache entry is untouched
    finally:
        signing.clear_identity_cache(other_db)
        other_store.close()


def test_wiped_database_gets_a_new_identity_after_the_cache_is_cleared(store, db):
    first = signing.load_or_create_identity(db, "us-east-1")
    store.reset()
    signing.clear_identity_cache(db)
    second = signing.load_or_create_identity(db, "us-east-1")
    assert second.certificate_id != first.certificate_id


def test_identity_key_is_parsed_once(db):
    created = signing.load_or_create_identity(db, "us-east-1")
    signing.clear_identity_cache(db)
    loaded = signing.lookup_identity(db, "us-east-1")
    assert "private_key" not in loaded.__dict__
    signing.sign(notification(), loaded)
    key = loaded.__dict__["private_key"]
    signing.sign(notification(), loaded)
    assert loaded.private_key is key
    assert loaded == created
