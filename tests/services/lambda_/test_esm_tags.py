"""Tags on event source mapping ARNs (esm_tags.py), on the store directly: TagResource, UntagResource
and ListTags reach them once tags.py routes event-source-mapping ARNs here (see test_esm_api_create)."""

from types import SimpleNamespace

import pytest

from stratus.services.lambda_.common import ResourceNotFound
from stratus.services.lambda_.esm_store import ENABLED, Mapping, insert_mapping
from stratus.services.lambda_.esm_tags import is_mapping_arn, mapping_tags, tag_mapping, untag_mapping
from stratus.services.lambda_.schema import MIGRATIONS
from stratus.store import Database

UUID = "0b5b7c5e-1f1a-4a4e-9a55-6a5f0d1e2f3a"
ARN = f"arn:aws:lambda:us-east-1:000000000000:event-source-mapping:{UUID}"
CTX = SimpleNamespace(account_id="000000000000", region="us-east-1")


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "lambda.db", MIGRATIONS)
    insert_mapping(
        database,
        Mapping(
            uuid=UUID,
            account_id="000000000000",
            region="us-east-1",
            function_arn="arn:aws:lambda:us-east-1:000000000000:function:fn",
            event_source_arn="arn:aws:sqs:us-east-1:000000000000:q",
            config={"_kind": "sqs", "_tags": {"team": "a"}, "BatchSize": 10},
            state=ENABLED,
            state_reason="USER_INITIATED",
            last_modified=0.0,
            position=None,
        ),
    )
    yield database
    database.close()


def test_tags_are_listed_added_and_removed(db):
    assert mapping_tags(CTX, db, ARN) == {"team": "a"}
    tag_mapping(CTX, db, ARN, {"env": "dev", "team": "b"})
    assert mapping_tags(CTX, db, ARN) == {"team": "b", "env": "dev"}
    untag_mapping(CTX, db, ARN, ["team"])
    assert mapping_tags(CTX, db, ARN) == {"env": "dev"}


def test_unknown_or_foreign_mappings_are_not_found(db):
    with pytest.raises(ResourceNotFound):
        mapping_tags(CTX, db, ARN.replace(UUID[:8], "ffffffff"))
    with pytest.raises(ResourceNotFound):
        mapping_tags(SimpleNamespace(account_id="111111111111", region="us-east-1"), db, ARN)


def test_mapping_arns_are_told_from_function_arns():
    assert is_mapping_arn(ARN)
    assert not is_mapping_arn("arn:aws:lambda:us-east-1:000000000000:function:fn")
