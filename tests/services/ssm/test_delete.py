"""DeleteParameter and DeleteParameters."""

from __future__ import annotations

from .support import error_of, put


def test_delete_removes_every_version_label_and_tag(ssm):
    put(ssm, "/d/key", Tags=[{"Key": "k", "Value": "v"}])
    ssm.put_parameter(Name="/d/key", Value="2", Overwrite=True)
    ssm.label_parameter_version(Name="/d/key", ParameterVersion=1, Labels=["old"])
    ssm.delete_parameter(Name="/d/key")
    assert error_of(ssm.get_parameter, Name="/d/key") == ("ParameterNotFound", "")
    put(ssm, "/d/key", "fresh")
    assert [e["Version"] for e in ssm.get_parameter_history(Name="/d/key")["Parameters"]] == [1]
    assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/d/key")["TagList"] == []
    assert error_of(ssm.get_parameter, Name="/d/key:old")[0] == "ParameterVersionNotFound"


def test_deleting_a_missing_parameter(ssm):
    # AWS answers ParameterNotFound with an empty message.
    assert error_of(ssm.delete_parameter, Name="/d/missing") == ("ParameterNotFound", "")


def test_delete_parameters_reports_both_lists(ssm):
    put(ssm, "/d/a")
    put(ssm, "/d/b")
    answer = ssm.delete_parameters(Names=["/d/a", "/d/missing", "/d/b", "bad name"])
    assert answer["DeletedParameters"] == ["/d/a", "/d/b"]
    assert answer["InvalidParameters"] == ["/d/missing", "bad name"]
    assert ssm.describe_parameters()["Parameters"] == []


def test_delete_parameters_takes_at_most_ten(ssm):
    code, _ = error_of(ssm.delete_parameters, Names=[f"/d/{n}" for n in range(11)])
    assert code == "ValidationException"
