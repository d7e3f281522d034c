"""Amazon Simple Queue Service: the provider is the sum of one mixin per operation group."""

from __future__ import annotations

from stratus.services.base import Provider
from stratus.services.sqs.delivery import MessageOperations
from stratus.services.sqs.queues import QueueOperations
from stratus.services.sqs.schema import MIGRATIONS, SQS_DATABASE
from stratus.store import Database


class SqsProvider(QueueOperations, MessageOperations, Provider):
    service = "sqs"

    def db(self) -> Database:
        return self.runtime.state.database(SQS_DATABASE, MIGRATIONS)
