"""Amazon Simple Notification Service: the provider is the sum of one mixin per operation group."""

from __future__ import annotations

from stratus.services.base import Provider
from stratus.services.sns.platform import PlatformOperations
from stratus.services.sns.publish import PublishOperations
from stratus.services.sns.schema import MIGRATIONS, SNS_DATABASE
from stratus.services.sns.sms import SmsOperations
from stratus.services.sns.subscriptions import SubscriptionOperations
from stratus.services.sns.topics import TopicOperations
from stratus.store import Database


class SnsProvider(
    TopicOperations, SubscriptionOperations, PublishOperations, PlatformOperations, SmsOperations, Provider
):
    service = "sns"

    def db(self) -> Database:
        return self.runtime.state.database(SNS_DATABASE, MIGRATIONS)

    def register_deliveries(self) -> None:
        from stratus.services.sns.deliveries import SnsDeliveries

        SnsDeliveries(self.runtime, self.db).register()

    def on_reset(self) -> None:
        from stratus.services.sns.publish import compiled_filter
        from stratus.services.sns.signing import clear_identity_cache

        clear_identity_cache()
        compiled_filter.cache_clear()
