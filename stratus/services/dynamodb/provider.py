"""Amazon DynamoDB: the provider is the sum of one mixin per operation group."""

from __future__ import annotations

from stratus.services.base import Provider
from stratus.services.dynamodb.schema import DYNAMODB_DATABASE, MIGRATIONS
from stratus.services.dynamodb.table_settings import TableSettingOperations
from stratus.services.dynamodb.table_updates import TableUpdateOperations
from stratus.services.dynamodb.tables import TableOperations
from stratus.services.dynamodb.tags import TagOperations
from stratus.store import Database


class DynamoDbProvider(
    TableOperations, TableUpdateOperations, TableSettingOperations, TagOperations, Provider
):
    service = "dynamodb"

    def db(self) -> Database:
        return self.runtime.state.database(DYNAMODB_DATABASE, MIGRATIONS)
