"""GetFunction, ListFunctions, DeleteFunction, updates, tags, concurrency, account settings."""

import base64
import hashlib
import io
import urllib.request
import zipfile

import pytest
from botocore.exceptions import ClientError

from .conftest import BOOTSTRAP_ZIP, error_of, make_zip

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"


def test_get_function(create, lambda_client):
    create("fn", Tags={"team": "a"})
    lambda_client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=5)
    got = lambda_client.get_function(FunctionName="fn")
    assert got["Configuration"]["FunctionArn"] == ARN + "fn"
    assert got["Code"]["RepositoryType"] == "S3"
    assert "/_stratus/lambda/code/" in got["Code"]["Location"]
    assert got["Tags"] == {"team": "a"}
    assert got["Concurrency"] == {"ReservedConcurrentExecutions": 5}
    assert lambda_client.get_function(FunctionName=ARN + "fn", Qualifier="$LATEST")["Configuration"][
        "Version"
    ] == ("$LATEST")


def test_code_location_downloads_the_zip(create, lambda_client):
    create("fn")
    location = lambda_client.get_function(FunctionName="fn")["Code"]["Location"]
    with urllib.request.urlopen(location) as response:
        assert response.read() == BOOTSTRAP_ZIP


def test_missing_function(lambda_client):
    for call in (
        lambda_client.get_function,
        lambda_client.get_function_configuration,
        lambda_client.delete_function,
    ):
        with pytest.raises(ClientError) as info:
            call(FunctionName="nope")
        assert error_of(info) == ("ResourceNotFoundException", f"Function not found: {ARN}nope")
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_unknown_qualifier_is_not_found(create, lambda_client):
    create("fn")
    with pytest.raises(ClientError) as info:
        lambda_client.get_function(FunctionName="fn", Qualifier="7")
    assert error_of(info) == ("ResourceNotFoundException", f"Function not found: {ARN}fn:7")


def test_list_functions_pages(create, lambda_client):
    for name in ("c", "a", "b"):
        create(name)
    first = lambda_client.list_functions(MaxItems=2)
    assert [f["FunctionName"] for f in first["Functions"]] == ["a", "b"]
    second = lambda_client.list_functions(MaxItems=2, Marker=first["NextMarker"])
    assert [f["FunctionName"] for f in second["Functions"]] == ["c"]
    assert "NextMarker" not in second


def test_delete_function(create, lambda_client):
    create("fn")
    lambda_client.delete_function(FunctionName=ARN + "fn")
    assert lambda_client.list_functions()["Functions"] == []
    create("fn")  # the name is free again


def test_update_code(create, lambda_client):
    created = create("fn")
    new_zip = make_zip({"bootstrap": "#!/bin/sh\necho v2\n"}, {"bootstrap": 0o100755})
    answer = lambda_client.update_function_code(
        FunctionName="fn", ZipFile=new_zip, RevisionId=created["RevisionId"]
    )
    assert answer["CodeSha256"] == base64.b64encode(hashlib.sha256(new_zip).digest()).decode()
    assert answer["LastUpdateStatus"] == "InProgress"
    assert answer["RevisionId"] != created["RevisionId"]
    config = lambda_client.get_function_configuration(FunctionName="fn")
    assert config["CodeSha256"] == answer["CodeSha256"]
    assert config["LastUpdateStatus"] == "Successful"


def test_update_code_dry_run_changes_nothing(create, lambda_client):
    created = create("fn")
    new_zip = make_zip({"bootstrap": "v2"})
    answer = lambda_client.update_function_code(FunctionName="fn", ZipFile=new_zip, DryRun=True)
    assert answer["CodeSize"] == len(new_zip)
    assert lambda_client.get_function_configuration(FunctionName="fn")["CodeSha256"] == created["CodeSha256"]


def test_stale_revision_is_refused(create, lambda_client):
    create("fn")
    with pytest.raises(ClientError) as info:
        lambda_client.update_function_code(FunctionName="fn", ZipFile=BOOTSTRAP_ZIP, RevisionId="stale")
    code, message = error_of(info)
    assert code == "PreconditionFailedException"
    assert message.startswith("The Revision Id provided does not match the latest Revision Id.")
    with pytest.raises(ClientError) as info:
        lambda_client.update_function_configuration(FunctionName="fn", Timeout=10, RevisionId="stale")
    assert error_of(info)[0] == "PreconditionFailedException"


def test_update_configuration(create, lambda_client):
    create("fn", Environment={"Variables": {"AB": "1"}})
    answer = lambda_client.update_function_configuration(
        FunctionName="fn", Timeout=60, MemorySize=256, Description="new", Environment={"Variables": {}}
    )
    assert (answer["Timeout"], answer["MemorySize"], answer["Description"]) == (60, 256, "new")
    assert answer["LastUpdateStatus"] == "InProgress"
    config = lambda_client.get_function_configuration(FunctionName="fn")
    assert config["Timeout"] == 60 and "Environment" not in config


def test_update_configuration_checks(create, lambda_client):
    create("fn")
    with pytest.raises(ClientError) as info:
        lambda_client.update_function_configuration(FunctionName="fn", Environment={"Variables": {"TZ": "x"}})
    assert error_of(info)[0] == "InvalidParameterValueException"
    with pytest.raises(ClientError) as info:
        lambda_client.update_function_configuration(
            FunctionName="fn", Role="arn:aws:iam::000000000000:role/none"
        )
    assert error_of(info)[1] == "The role defined for the function cannot be assumed by Lambda."
    with pytest.raises(ClientError) as info:
        lambda_client.update_function_configuration(FunctionName="fn", Timeout=1000)
    assert error_of(info)[0] == "ValidationException"


def test_tags(create, lambda_client):
    arn = create("fn", Tags={"a": "1"})["FunctionArn"]
    lambda_client.tag_resource(Resource=arn, Tags={"b": "2", "a": "3"})
    assert lambda_client.list_tags(Resource=arn)["Tags"] == {"a": "3", "b": "2"}
    lambda_client.untag_resource(Resource=arn, TagKeys=["a"])
    assert lambda_client.list_tags(Resource=arn)["Tags"] == {"b": "2"}
    with pytest.raises(ClientError) as info:
        lambda_client.list_tags(Resource=ARN + "nope")
    assert error_of(info)[0] == "ResourceNotFoundException"


def test_concurrency(create, lambda_client):
    create("fn")
    assert "ReservedConcurrentExecutions" not in lambda_client.get_function_concurrency(FunctionName="fn")
    lambda_client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=100)
    assert lambda_client.get_function_concurrency(FunctionName="fn")["ReservedConcurrentExecutions"] == 100
    with pytest.raises(ClientError) as info:
        lambda_client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=901)
    assert error_of(info) == (
        "InvalidParameterValueException",
        "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
        "below its minimum value of [100].",
    )
    settings = lambda_client.get_account_settings()
    assert settings["AccountLimit"]["UnreservedConcurrentExecutions"] == 900
    lambda_client.delete_function_concurrency(FunctionName="fn")
    assert "ReservedConcurrentExecutions" not in lambda_client.get_function_concurrency(FunctionName="fn")


def test_account_settings(create, lambda_client):
    create("fn")
    settings = lambda_client.get_account_settings()
    assert settings["AccountLimit"]["CodeSizeZipped"] == 52428800
    assert settings["AccountLimit"]["CodeSizeUnzipped"] == 262144000
    assert settings["AccountLimit"]["ConcurrentExecutions"] == 1000
    assert settings["AccountUsage"] == {"FunctionCount": 1, "TotalCodeSize": len(BOOTSTRAP_ZIP)}


def test_zip_entries_are_readable_by_zipfile():
    # The test zips themselves: keep the bootstrap's executable bit in the archive.
    with zipfile.ZipFile(io.BytesIO(BOOTSTRAP_ZIP)) as archive:
        assert archive.getinfo("bootstrap").external_attr >> 16 == 0o100755
