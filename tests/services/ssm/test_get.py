"""GetParameter and GetParameters: versions and labels as selectors, InvalidParameters."""

from __future__ import annotations

from .support import error_of, put


def three_versions(ssm, name: str = "/g/key") -> None:
    put(ssm, name, "one")
    ssm.put_parameter(Name=name, Value="two", Overwrite=True)
    ssm.put_parameter(Name=name, Value="three", Overwrite=True)


def test_a_missing_parameter(ssm):
    # AWS answers ParameterNotFound with an empty message.
    assert error_of(ssm.get_parameter, Name="/g/missing") == ("ParameterNotFound", "")


def test_the_answer_carries_every_field(ssm):
    put(ssm, "/g/full", "value", Description="d")
    parameter = ssm.get_parameter(Name="/g/full")["Parameter"]
    assert set(parameter) == {"Name", "Type", "Value", "Version", "LastModifiedDate", "ARN", "DataType"}
    assert parameter["ARN"] == "arn:aws:ssm:us-east-1:000000000000:parameter/g/full"


def test_a_version_selector(ssm):
    three_versions(ssm)
    parameter = ssm.get_parameter(Name="/g/key:2")["Parameter"]
    assert (parameter["Name"], parameter["Value"], parameter["Version"], parameter["Selector"]) == (
        "/g/key",
        "two",
        2,
        ":2",
    )
    code, message = error_of(ssm.get_parameter, Name="/g/key:9")
    assert code == "ParameterVersionNotFound"
    assert message == "Systems Manager could not find version 9 of /g/key. Verify the version and try again."


def test_a_label_selector(ssm):
    three_versions(ssm)
    ssm.label_parameter_version(Name="/g/key", ParameterVersion=1, Labels=["stable"])
    parameter = ssm.get_parameter(Name="/g/key:stable")["Parameter"]
    assert (parameter["Value"], parameter["Version"], parameter["Selector"]) == ("one", 1, ":stable")
    # guessed: an unknown label is answered like an unknown version
    assert error_of(ssm.get_parameter, Name="/g/key:nolabel")[0] == "ParameterVersionNotFound"


def test_get_parameters_lists_what_it_cannot_find(ssm):
    three_versions(ssm)
    put(ssm, "/g/other", "o")
    answer = ssm.get_parameters(Names=["/g/key", "/g/other:1", "/g/missing", "/g/key:7", "/g/key"])
    assert [(p["Name"], p["Value"]) for p in answer["Parameters"]] == [("/g/key", "three"), ("/g/other", "o")]
    assert answer["Parameters"][1]["Selector"] == ":1"
    assert answer["InvalidParameters"] == ["/g/missing", "/g/key:7"]


def test_get_parameters_takes_at_most_ten_names(ssm):
    code, message = error_of(ssm.get_parameters, Names=[f"/g/{n}" for n in range(11)])
    assert code == "ValidationException"
    assert "Member must have length less than or equal to 10" in message


def test_with_decryption_is_ignored_for_plain_strings(ssm):
    put(ssm, "/g/plain", "clear")
    assert ssm.get_parameter(Name="/g/plain", WithDecryption=True)["Parameter"]["Value"] == "clear"
