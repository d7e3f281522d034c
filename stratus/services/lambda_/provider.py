"""AWS Lambda's control plane: the provider is the sum of one mixin per operation group.

Invoke and the rest of the data plane are not here yet (they answer 501).
"""

from __future__ import annotations

from stratus.services.base import Provider
from stratus.services.lambda_.concurrency import ConcurrencyOperations
from stratus.services.lambda_.functions import FunctionOperations
from stratus.services.lambda_.schema import LAMBDA_DATABASE, MIGRATIONS
from stratus.services.lambda_.tags import TagOperations
from stratus.store import Database
from stratus.store.blobs import BlobStore


class LambdaProvider(FunctionOperations, TagOperations, ConcurrencyOperations, Provider):
    service = "lambda"

    def db(self) -> Database:
        return self.runtime.state.database(LAMBDA_DATABASE, MIGRATIONS)

    def blobs(self) -> BlobStore:
        return self.runtime.state.blobs("lambda")
