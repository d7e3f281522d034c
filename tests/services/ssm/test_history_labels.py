"""GetParameterHistory, LabelParameterVersion, UnlabelParameterVersion and the 100-version limit."""

from __future__ import annotations

from .support import error_of, put


def versions(ssm, name: str, count: int) -> None:
    put(ssm, name, "v1")
    for number in range(2, count + 1):
        ssm.put_parameter(Name=name, Value=f"v{number}", Overwrite=True)


def history(ssm, name: str, **kwargs) -> list[dict]:
    return ssm.get_parameter_history(Name=name, **kwargs)["Parameters"]


def test_history_lists_every_version_with_its_labels(ssm):
    versions(ssm, "/h/key", 3)
    ssm.label_parameter_version(Name="/h/key", ParameterVersion=2, Labels=["beta", "alpha"])
    entries = history(ssm, "/h/key")
    assert [(e["Version"], e["Value"], e["Labels"]) for e in entries] == [
        (1, "v1", []),
        (2, "v2", ["alpha", "beta"]),
        (3, "v3", []),
    ]
    assert entries[0]["LastModifiedUser"] == "arn:aws:iam::000000000000:root"
    assert {"Name", "Type", "LastModifiedDate", "Tier", "Policies", "DataType"} <= set(entries[0])


def test_history_pages(ssm):
    versions(ssm, "/h/paged", 7)
    first = ssm.get_parameter_history(Name="/h/paged", MaxResults=3)
    assert [e["Version"] for e in first["Parameters"]] == [1, 2, 3]
    rest = []
    for page in ssm.get_paginator("get_parameter_history").paginate(
        Name="/h/paged", PaginationConfig={"PageSize": 3}
    ):
        rest += [e["Version"] for e in page["Parameters"]]
    assert rest == list(range(1, 8))


def test_history_of_a_missing_parameter(ssm):
    assert error_of(ssm.get_parameter_history, Name="/h/missing")[0] == "ParameterNotFound"


def test_labels_attach_to_the_latest_version_by_default_and_move(ssm):
    versions(ssm, "/h/key", 2)
    assert ssm.label_parameter_version(Name="/h/key", Labels=["live"])["ParameterVersion"] == 2
    ssm.label_parameter_version(Name="/h/key", ParameterVersion=1, Labels=["live"])
    assert ssm.get_parameter(Name="/h/key:live")["Parameter"]["Version"] == 1
    assert [e["Labels"] for e in history(ssm, "/h/key")] == [["live"], []]


def test_invalid_labels_are_answered_not_attached(ssm):
    put(ssm, "/h/key")
    answer = ssm.label_parameter_version(
        Name="/h/key", Labels=["ok_label-1.0", "9lives", "awsy", "SSMx", "has space", "slash/no"]
    )
    assert answer["InvalidLabels"] == ["9lives", "awsy", "SSMx", "has space", "slash/no"]
    assert history(ssm, "/h/key")[0]["Labels"] == ["ok_label-1.0"]


def test_ten_labels_per_version(ssm):
    put(ssm, "/h/key")
    ssm.label_parameter_version(Name="/h/key", Labels=[f"l{n}" for n in range(10)])
    ssm.label_parameter_version(Name="/h/key", Labels=["l0"])  # already there: still ten
    code, _ = error_of(ssm.label_parameter_version, Name="/h/key", Labels=["l10"])
    assert code == "ParameterVersionLabelLimitExceeded"


def test_a_label_longer_than_100_characters(ssm):
    put(ssm, "/h/key")
    code, message = error_of(ssm.label_parameter_version, Name="/h/key", Labels=["x" * 101])
    assert code == "ValidationException"
    assert "Member must have length less than or equal to 100" in message


def test_labelling_a_missing_version_or_parameter(ssm):
    put(ssm, "/h/key")
    code, message = error_of(ssm.label_parameter_version, Name="/h/key", ParameterVersion=5, Labels=["x"])
    assert code == "ParameterVersionNotFound"
    assert message == "Systems Manager could not find version 5 of /h/key. Verify the version and try again."
    assert error_of(ssm.label_parameter_version, Name="/h/none", Labels=["x"])[0] == "ParameterNotFound"


def test_unlabel(ssm):
    versions(ssm, "/h/key", 2)
    ssm.label_parameter_version(Name="/h/key", ParameterVersion=1, Labels=["a", "b"])
    answer = ssm.unlabel_parameter_version(Name="/h/key", ParameterVersion=1, Labels=["a", "zzz"])
    assert (answer["RemovedLabels"], answer["InvalidLabels"]) == (["a"], ["zzz"])
    assert history(ssm, "/h/key")[0]["Labels"] == ["b"]
    assert error_of(ssm.get_parameter, Name="/h/key:a")[0] == "ParameterVersionNotFound"
    code, _ = error_of(ssm.unlabel_parameter_version, Name="/h/key", ParameterVersion=3, Labels=["b"])
    assert code == "ParameterVersionNotFound"


def test_the_oldest_of_100_versions_makes_room(ssm):
    versions(ssm, "/h/many", 100)
    assert ssm.put_parameter(Name="/h/many", Value="v101", Overwrite=True)["Version"] == 101
    kept = []
    for page in ssm.get_paginator("get_parameter_history").paginate(Name="/h/many"):
        kept += [e["Version"] for e in page["Parameters"]]
    assert kept == list(range(2, 102))
    assert error_of(ssm.get_parameter, Name="/h/many:1")[0] == "ParameterVersionNotFound"


def test_a_labelled_oldest_version_blocks_the_101st(ssm):
    versions(ssm, "/h/many", 100)
    ssm.label_parameter_version(Name="/h/many", ParameterVersion=1, Labels=["keep"])
    code, message = error_of(ssm.put_parameter, Name="/h/many", Value="v101", Overwrite=True)
    assert code == "ParameterMaxVersionLimitExceeded"
    assert message == (
        "You attempted to create a new version of /h/many by calling the PutParameter API with the overwrite "
        "flag. Version 1, the oldest version, can't be deleted because it has a label associated with it. "
        "Move the label to another version of the parameter, and try again."
    )
    ssm.label_parameter_version(Name="/h/many", ParameterVersion=50, Labels=["keep"])
    assert ssm.put_parameter(Name="/h/many", Value="v101", Overwrite=True)["Version"] == 101
