"""Lambda layers: publish (zip or S3), get, list, delete; and a function using a layer."""

import base64
import hashlib
import json
import os
import re
import sys
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

from stratus.auth.credentials import Principal
from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.lambda_ import code_store, layer_store
from stratus.services.lambda_.layer_access import layer_dirs, resolve_function_layers
from stratus.services.lambda_.layers import LayerOperations
from stratus.services.lambda_.schema import MIGRATIONS
from stratus.store import Database
from stratus.store.blobs import BlobStore

from .conftest import error_of, make_zip

PYTHON_RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"
LAYER_ZIP = make_zip({"python/greeting.py": "WORDS = 'hello from the layer'\n"})
ARN_PREFIX = "arn:aws:lambda:us-east-1:000000000000:layer:"


@pytest.fixture
def publish(lambda_client):
    def make(name="lib", body=LAYER_ZIP, **kwargs):
        return lambda_client.publish_layer_version(LayerName=name, Content={"ZipFile": body}, **kwargs)

    return make


# ---------------------------------------------------------------------------------- publish


def test_publish_answers_the_version(publish):
    answer = publish(
        "lib",
        Description="shared code",
        CompatibleRuntimes=["python3.12", "python3.11"],
        CompatibleArchitectures=["x86_64"],
        LicenseInfo="MIT",
    )
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert answer["LayerArn"] == ARN_PREFIX + "lib"
    assert answer["LayerVersionArn"] == ARN_PREFIX + "lib:1"
    assert answer["Version"] == 1
    assert answer["Description"] == "shared code"
    assert answer["CompatibleRuntimes"] == ["python3.12", "python3.11"]
    assert answer["CompatibleArchitectures"] == ["x86_64"]
    assert answer["LicenseInfo"] == "MIT"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", answer["CreatedDate"])
    content = answer["Content"]
    assert content["CodeSha256"] == base64.b64encode(hashlib.sha256(LAYER_ZIP).digest()).decode()
    assert content["CodeSize"] == len(LAYER_ZIP)
    with urllib.request.urlopen(content["Location"]) as download:
        assert download.read() == LAYER_ZIP


def test_members_not_given_stay_absent_and_empty_lists_are_shown(publish):
    plain = publish("plain")
    assert plain["Description"] == ""
    for member in ("CompatibleRuntimes", "CompatibleArchitectures", "LicenseInfo"):
        assert member not in plain
    empty = publish("empty", CompatibleRuntimes=[], CompatibleArchitectures=[])
    assert empty["CompatibleRuntimes"] == [] and empty["CompatibleArchitectures"] == []


def test_version_numbers_are_never_reused(publish, lambda_client):
    assert [publish()["Version"] for _ in range(2)] == [1, 2]
    for number in (1, 2):
        lambda_client.delete_layer_version(LayerName="lib", VersionNumber=number)
    assert lambda_client.list_layer_versions(LayerName="lib")["LayerVersions"] == []
    assert publish()["Version"] == 3


def test_layers_of_accounts_are_apart(publish, aws_client):
    publish("lib")
    other = aws_client("lambda", aws_access_key_id="111111111111", aws_secret_access_key="test")
    answer = other.publish_layer_version(LayerName="lib", Content={"ZipFile": LAYER_ZIP})
    assert answer["LayerVersionArn"] == "arn:aws:lambda:us-east-1:111111111111:layer:lib:1"


def test_layer_name_may_be_the_layer_arn(publish, lambda_client):
    answer = publish(ARN_PREFIX + "byarn")
    assert answer["LayerVersionArn"] == ARN_PREFIX + "byarn:1"
    got = lambda_client.get_layer_version(LayerName=ARN_PREFIX + "byarn", VersionNumber=1)
    assert got["LayerArn"] == ARN_PREFIX + "byarn"


def test_publish_from_s3(lambda_client, aws_client):
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="layers")
    s3.put_bucket_versioning(Bucket="layers", VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket="layers", Key="lib.zip", Body=LAYER_ZIP)["VersionId"]
    s3.put_object(Bucket="layers", Key="lib.zip", Body=make_zip({"other.txt": "x"}))
    answer = lambda_client.publish_layer_version(
        LayerName="s3lib", Content={"S3Bucket": "layers", "S3Key": "lib.zip", "S3ObjectVersion": first}
    )
    assert answer["Content"]["CodeSize"] == len(LAYER_ZIP)
    latest = lambda_client.publish_layer_version(
        LayerName="s3lib", Content={"S3Bucket": "layers", "S3Key": "lib.zip"}
    )
    assert latest["Content"]["CodeSize"] != len(LAYER_ZIP)
    with pytest.raises(ClientError) as info:
        lambda_client.publish_layer_version(
            LayerName="s3lib", Content={"S3Bucket": "layers", "S3Key": "nope.zip"}
        )
    code, message = error_of(info)
    assert code == "InvalidParameterValueException"
    assert message.startswith("Error occurred while GetObject. S3 Error Code: NoSuchKey.")


def test_publish_checks_the_content(lambda_client, publish):
    with pytest.raises(ClientError) as info:
        publish(body=b"not a zip")
    assert error_of(info) == (
        "InvalidParameterValueException",
        "Could not unzip uploaded file. Please check your file, then try to upload again.",
    )
    # The wording of these three is Stratus's own (AWS's is not documented).
    for content in (
        {},
        {"ZipFile": LAYER_ZIP, "S3Bucket": "layers", "S3Key": "lib.zip"},
        {"S3Bucket": "layers", "S3Key": "lib.zip", "S3ObjectStorageMode": "REFERENCE"},
    ):
        with pytest.raises(ClientError) as info:
            lambda_client.publish_layer_version(LayerName="lib", Content=content)
        assert error_of(info)[0] == "InvalidParameterValueException"
    assert lambda_client.list_layer_versions(LayerName="lib")["LayerVersions"] == []


def test_zip_over_50_mb(publish):
    with pytest.raises(ClientError) as info:
        publish(body=b"\0" * (50 * 1024 * 1024 + 1))
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert error_of(info) == (
        "RequestEntityTooLargeException",
        "Request must be smaller than 69905067 bytes for the PublishLayerVersion operation",
    )


def test_invalid_layer_name(publish):
    with pytest.raises(ClientError) as info:
        publish("bad.name")
    code, message = error_of(info)
    assert code == "ValidationException"
    assert message.startswith(
        "1 validation error detected: Value 'bad.name' at 'layerName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: "
    )
    with pytest.raises(ClientError) as info:
        publish("x" * 141)
    assert error_of(info)[0] == "ValidationException"


def test_compatible_runtimes(publish):
    with pytest.raises(ClientError) as info:
        publish(CompatibleRuntimes=["python3.12", "python2.7"])
    code, message = error_of(info)
    assert code == "ValidationException"
    assert message.startswith(
        "1 validation error detected: Value '[python3.12, python2.7]' at 'compatibleRuntimes' failed to satisfy "
        "constraint: Member must satisfy enum value set: ["
    )
    assert "python3.12" in message.split("set: ")[1] and "python2.7" not in message.split("set: ")[1]
    with pytest.raises(ClientError) as info:
        publish(CompatibleRuntimes=[f"python3.{n}" for n in range(16)])  # more than 15
    assert error_of(info)[0] == "ValidationException"


# ---------------------------------------------------------------------------------- reads


def test_get_layer_version_and_by_arn(publish, lambda_client):
    published = publish(Description="d", CompatibleRuntimes=["python3.12"])
    del published["ResponseMetadata"]
    for answer in (
        lambda_client.get_layer_version(LayerName="lib", VersionNumber=1),
        lambda_client.get_layer_version_by_arn(Arn=ARN_PREFIX + "lib:1"),
    ):
        del answer["ResponseMetadata"]
        location = answer["Content"].pop("Location")
        assert location.split("?")[0] == published["Content"]["Location"].split("?")[0]
        assert answer == published | {"Content": answer["Content"]}
        assert answer["Content"] == {k: v for k, v in published["Content"].items() if k != "Location"}


def test_get_errors(publish, lambda_client):
    publish()
    for number in (0, -1):
        with pytest.raises(ClientError) as info:
            lambda_client.get_layer_version(LayerName="lib", VersionNumber=number)
        assert error_of(info) == ("InvalidParameterValueException", "Layer Version Cannot be less than 1")
    for name, number in (("lib", 2), ("nolayer", 1)):
        with pytest.raises(ClientError) as info:
            lambda_client.get_layer_version(LayerName=name, VersionNumber=number)
        assert error_of(info) == ("ResourceNotFoundException", "The resource you requested does not exist.")
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as info:
        lambda_client.get_layer_version_by_arn(Arn=ARN_PREFIX + "lib:2")
    assert error_of(info)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as info:
        lambda_client.get_layer_version_by_arn(Arn=ARN_PREFIX + "lib")
    assert error_of(info) == (
        "ValidationException",
        f"1 validation error detected: Value '{ARN_PREFIX}lib' at 'arn' failed to satisfy constraint: Member must "
        r"satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}:"
        r"\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+",
    )


def test_list_layer_versions_newest_first_with_filters_and_pages(publish, lambda_client):
    publish(CompatibleRuntimes=["python3.12"], CompatibleArchitectures=["x86_64"])
    publish(CompatibleRuntimes=["nodejs20.x"], CompatibleArchitectures=["arm64"])
    publish(CompatibleRuntimes=["python3.12", "nodejs20.x"], CompatibleArchitectures=["x86_64", "arm64"])
    publish()
    listed = lambda_client.list_layer_versions(LayerName="lib")["LayerVersions"]
    assert [item["Version"] for item in listed] == [4, 3, 2, 1]
    assert set(listed[1]) == {
        "LayerVersionArn",
        "Version",
        "Description",
        "CreatedDate",
        "CompatibleRuntimes",
        "CompatibleArchitectures",
    }

    def versions(**kwargs):
        return [
            v["Version"]
            for v in lambda_client.list_layer_versions(LayerName="lib", **kwargs)["LayerVersions"]
        ]

    assert versions(CompatibleRuntime="python3.12") == [3, 1]
    assert versions(CompatibleArchitecture="arm64") == [3, 2]
    assert versions(CompatibleRuntime="nodejs20.x", CompatibleArchitecture="x86_64") == [3]
    first = lambda_client.list_layer_versions(LayerName="lib", MaxItems=3)
    assert [v["Version"] for v in first["LayerVersions"]] == [4, 3, 2]
    rest = lambda_client.list_layer_versions(LayerName="lib", MaxItems=3, Marker=first["NextMarker"])
    assert [v["Version"] for v in rest["LayerVersions"]] == [1] and "NextMarker" not in rest
    pages = lambda_client.get_paginator("list_layer_versions").paginate(
        LayerName="lib", PaginationConfig={"PageSize": 1}
    )
    assert [v["Version"] for page in pages for v in page["LayerVersions"]] == [4, 3, 2, 1]
    assert lambda_client.list_layer_versions(LayerName="nolayer")["LayerVersions"] == []


def test_list_layers_shows_the_latest_matching_version(publish, lambda_client):
    publish("b", CompatibleRuntimes=["python3.12"])
    publish("b", CompatibleRuntimes=["nodejs20.x"])
    publish("a", CompatibleRuntimes=["python3.12"], CompatibleArchitectures=["arm64"])
    publish("c")
    publish("gone")
    lambda_client.delete_layer_version(LayerName="gone", VersionNumber=1)
    layers = lambda_client.list_layers()["Layers"]
    assert [(layer["LayerName"], layer["LatestMatchingVersion"]["Version"]) for layer in layers] == [
        ("a", 1),
        ("b", 2),
        ("c", 1),
    ]
    assert layers[0]["LayerArn"] == ARN_PREFIX + "a"
    assert layers[0]["LatestMatchingVersion"]["LayerVersionArn"] == ARN_PREFIX + "a:1"
    assert "Content" not in layers[0]["LatestMatchingVersion"]

    def latest(**kwargs):
        return [
            (x["LayerName"], x["LatestMatchingVersion"]["Version"])
            for x in lambda_client.list_layers(**kwargs)["Layers"]
        ]

    assert latest(CompatibleRuntime="python3.12") == [("a", 1), ("b", 1)]
    assert latest(CompatibleArchitecture="arm64") == [("a", 1)]
    first = lambda_client.list_layers(MaxItems=2)
    assert [x["LayerName"] for x in first["Layers"]] == ["a", "b"]
    rest = lambda_client.list_layers(MaxItems=2, Marker=first["NextMarker"])
    assert [x["LayerName"] for x in rest["Layers"]] == ["c"] and "NextMarker" not in rest


def test_list_filters_are_validated(lambda_client):
    with pytest.raises(ClientError) as info:
        lambda_client.list_layers(CompatibleArchitecture="archdoesnotexist")
    assert error_of(info)[0] == "ValidationException"


# ---------------------------------------------------------------------------------- delete


def test_delete_is_idempotent(publish, lambda_client):
    publish()
    for _ in range(2):
        answer = lambda_client.delete_layer_version(LayerName="lib", VersionNumber=1)
        assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    lambda_client.delete_layer_version(LayerName="nolayer", VersionNumber=7)
    with pytest.raises(ClientError) as info:
        lambda_client.get_layer_version(LayerName="lib", VersionNumber=1)
    assert error_of(info)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as info:
        lambda_client.delete_layer_version(LayerName="lib", VersionNumber=0)
    assert error_of(info) == ("InvalidParameterValueException", "Layer Version Cannot be less than 1")


# ----------------------------------------------------------------------- a function using a layer


def test_python_function_imports_module_from_layer(publish, lambda_client, role_arn, stratus_server):
    version_arn = publish("greetings", CompatibleRuntimes=[PYTHON_RUNTIME])["LayerVersionArn"]
    handler = "import greeting\n\ndef handler(event, context):\n    return {'words': greeting.WORDS}\n"
    try:
        created = lambda_client.create_function(
            FunctionName="uses-layer",
            Runtime=PYTHON_RUNTIME,
            Role=role_arn,
            Handler="app.handler",
            Code={"ZipFile": make_zip({"app.py": handler})},
            Layers=[version_arn],
            Timeout=10,
        )
        assert created["Layers"] == [{"Arn": version_arn, "CodeSize": len(LAYER_ZIP)}]
        lambda_client.get_waiter("function_active_v2").wait(FunctionName="uses-layer")
        answer = lambda_client.invoke(FunctionName="uses-layer", Payload=b"{}")
        assert "FunctionError" not in answer
        assert json.loads(answer["Payload"].read()) == {"words": "hello from the layer"}
    finally:
        stratus_server.reset()  # no runtime process outlives its test


def test_function_keeps_a_deleted_layer_version_until_it_lets_go(publish, create, lambda_client):
    first = publish("lib")["LayerVersionArn"]
    create("fn", Layers=[first])
    lambda_client.delete_layer_version(LayerName="lib", VersionNumber=1)
    # Still listed on the function (and still extracted for it), though gone for everyone else.
    assert lambda_client.get_function_configuration(FunctionName="fn")["Layers"][0]["Arn"] == first
    with pytest.raises(ClientError):
        lambda_client.update_function_configuration(FunctionName="fn", Layers=[first])
    lambda_client.get_waiter("function_updated_v2").wait(FunctionName="fn")
    cleared = lambda_client.update_function_configuration(FunctionName="fn", Layers=[])
    assert "Layers" not in cleared
    with pytest.raises(ClientError) as info:
        lambda_client.get_layer_version_by_arn(Arn=first)
    assert error_of(info)[0] == "ResourceNotFoundException"


# ------------------------------------------------- the helpers functions use (no server needed)


@pytest.fixture
def store(tmp_path):
    db = Database(tmp_path / "lambda.db", MIGRATIONS)
    yield db, BlobStore(tmp_path / "blobs"), tmp_path / "data"
    db.close()


def context(account_id="000000000000", region="us-east-1"):
    principal = Principal.root(account_id)
    return RequestContext(
        None, "lambda", "CreateFunction", account_id, region, principal, "r", datetime.now(UTC)
    )


def put_version(store, name, number, body=LAYER_ZIP, account_id="000000000000", region="us-east-1", **config):
    db, blobs, _ = store
    checked = code_store.check_zip(body)
    version = layer_store.LayerVersion(
        account_id=account_id,
        region=region,
        name=name,
        version=number,
        config={"Description": "", "unzipped_size": checked.unzipped_size, **config},
        content_blob_id=code_store.store_zip(blobs, body),
        code_sha256=checked.sha256,
        code_size=checked.size,
        policy_revision_id=None,
        created_at=0.0,
    )
    with db.transaction():
        assert layer_store.allocate_version(db, account_id, region, name) == number
        layer_store.insert_version(db, version)
    return version


def resolve_error(store, arns, ctx=None, **kwargs):
    with pytest.raises(ServiceError) as info:
        resolve_function_layers(ctx or context(), store[0], arns, **kwargs)
    return info.value.code, info.value.message


def test_resolve_function_layers(store):
    a1, a2 = put_version(store, "a", 1), put_version(store, "a", 2)
    b1 = put_version(store, "b", 1)
    assert resolve_function_layers(context(), store[0], [a2.arn, b1.arn]) == [
        {"Arn": a2.arn, "CodeSize": len(LAYER_ZIP)},
        {"Arn": b1.arn, "CodeSize": len(LAYER_ZIP)},
    ]
    assert resolve_function_layers(context(), store[0], []) == []
    assert resolve_error(store, [b1.arn] * 6) == (
        "InvalidParameterValueException",
        "Cannot reference more than 5 layers.",
    )
    for arns in ([a1.arn, b1.arn, a2.arn], [a1.arn, a1.arn]):
        second = arns[2] if len(arns) == 3 else arns[1]
        assert resolve_error(store, arns) == (
            "InvalidParameterValueException",
            "Two different versions of the same layer are not allowed to be referenced in the same function. "
            f"{a1.arn} and {second} are versions of the same layer.",
        )
    missing = ARN_PREFIX + "a:9"
    assert resolve_error(store, [missing]) == (
        "InvalidParameterValueException",
        f"Layer version {missing} does not exist.",
    )
    elsewhere = "arn:aws:lambda:eu-west-1:000000000000:layer:a:1"
    assert resolve_error(store, [elsewhere]) == (
        "InvalidParameterValueException",
        "Layers are not in the same region as the function. Layers are expected to be in region us-east-1.",
    )
    code, message = resolve_error(store, [b1.arn, ARN_PREFIX + "a"])
    assert code == "ValidationException"
    assert message.startswith(
        f"1 validation error detected: Value '[{b1.arn}, {ARN_PREFIX}a]' at 'layers' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must have length less than or equal to 2048, "
    )


def test_resolve_counts_unzipped_sizes(store):
    # AWS's wording as remembered, not found in its documentation.
    version = put_version(store, "a", 1)
    size = version.unzipped_size
    limit = code_store.MAX_UNZIPPED_BYTES
    assert resolve_function_layers(context(), store[0], [version.arn], function_unzipped_size=limit - size)
    assert resolve_error(store, [version.arn], function_unzipped_size=limit - size + 1) == (
        "InvalidParameterValueException",
        f"Function code combined with layers exceeds the maximum allowed size of {limit} bytes. "
        f"The actual size is {limit + 1} bytes.",
    )


def test_resolve_layers_of_another_account(store):
    db = store[0]
    theirs = put_version(store, "shared", 1, account_id="111111111111")
    denied = (
        "AccessDeniedException",
        "User: arn:aws:iam::000000000000:root is not authorized to perform: lambda:GetLayerVersion on resource: "
        f"{theirs.arn} because no resource-based policy allows the lambda:GetLayerVersion action",
    )
    assert resolve_error(store, [theirs.arn]) == denied
    with db.transaction():
        layer_store.add_statement(
            db,
            theirs,
            {"Sid": "x", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}},
            "r1",
        )
    assert resolve_error(store, [theirs.arn]) == denied
    with db.transaction():
        layer_store.add_statement(
            db,
            theirs,
            {"Sid": "me", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"}},
            "r2",
        )
    assert resolve_function_layers(context(), db, [theirs.arn]) == [
        {"Arn": theirs.arn, "CodeSize": len(LAYER_ZIP)}
    ]
    missing = theirs.arn[:-1] + "2"
    assert resolve_error(store, [missing])[0] == "AccessDeniedException"


def test_layer_dirs_extract_each_version_in_order(store):
    db, blobs, data_dir = store
    tool = make_zip({"bin/tool": "#!/bin/sh\necho hi\n", "python/mod.py": "X = 1\n"}, {"bin/tool": 0o100755})
    first, second = put_version(store, "tools", 1, body=tool), put_version(store, "lib", 1)
    dirs = layer_dirs(db, blobs, data_dir, [first.arn, second.arn])
    assert [Path(d).name for d in dirs] == [first.content_blob_id, second.content_blob_id]
    assert os.access(Path(dirs[0]) / "bin" / "tool", os.X_OK)
    assert (Path(dirs[1]) / "python" / "greeting.py").read_text() == "WORDS = 'hello from the layer'\n"
    with pytest.raises(ServiceError):
        layer_dirs(db, blobs, data_dir, [ARN_PREFIX + "lib:5"])


def test_deleted_version_in_use_stays_for_its_functions(store):
    db, blobs, data_dir = store
    used, unused = put_version(store, "lib", 1), put_version(store, "lib", 2)
    config = {"FunctionName": "fn", "Layers": [{"Arn": used.arn, "CodeSize": used.code_size}]}
    with db.transaction():
        db.execute(
            "INSERT INTO lambda_functions (function_id, account_id, region, name, arn, config, code_blob_id,"
            " code_sha256, code_size, code_unzipped_size, revision_id, last_modified, created_at)"
            " VALUES ('f1', '000000000000', 'us-east-1', 'fn', 'arn', ?, 'b', 's', 1, 1, 'r', 0, 0)",
            (json.dumps(config),),
        )
    operations = LayerHost(db, blobs, data_dir)
    ctx = context()
    ctx.runtime = SimpleNamespace(clock=SimpleNamespace(time=lambda: 5.0))
    for number in (1, 2):
        operations.delete_layer_version(ctx, {"LayerName": "lib", "VersionNumber": number})
    assert not blobs.exists(unused.content_blob_id)
    assert layer_store.find_version(db, "000000000000", "us-east-1", "lib", 1) is None
    assert list(layer_store.versions_of(db, "000000000000", "us-east-1", "lib")) == []
    # The function still runs the deleted version's content ...
    assert Path(layer_dirs(db, blobs, data_dir, [used.arn])[0], "python", "greeting.py").is_file()
    # ... but it can no longer be given to a function.
    assert resolve_error(store, [used.arn])[1] == f"Layer version {used.arn} does not exist."
    with db.transaction():
        db.execute("DELETE FROM lambda_functions")
        assert layer_store.collect_tombstones(db) == [used.content_blob_id]
    assert layer_store.find_version(db, "000000000000", "us-east-1", "lib", 1, with_tombstones=True) is None


class LayerHost(LayerOperations):
    """LayerOperations over a bare database and blob store, as LambdaProvider hosts it."""

    def __init__(self, db, blobs, data_dir):
        self._db, self._blobs = db, blobs
        self.runtime = SimpleNamespace(state=SimpleNamespace(data_dir=data_dir))

    def db(self):
        return self._db

    def blobs(self):
        return self._blobs
