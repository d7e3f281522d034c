"""The services Stratus implements, imported lazily on first use (DESIGN.md §3)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stratus.runtime import Runtime
    from stratus.services.base import Provider

# botocore service name -> "module:ProviderClass"
PROVIDERS: dict[str, str] = {
    "dynamodb": "stratus.services.dynamodb.provider:DynamoDbProvider",
    "dynamodbstreams": "stratus.services.dynamodb.streams_provider:DynamoDbStreamsProvider",
    "iam": "stratus.services.iam.provider:IamProvider",
    "kms": "stratus.services.kms.provider:KmsProvider",
    "lambda": "stratus.services.lambda_.provider:LambdaProvider",
    "logs": "stratus.services.logs.provider:LogsProvider",
    "s3": "stratus.services.s3.provider:S3Provider",
    "secretsmanager": "stratus.services.secretsmanager.provider:SecretsManagerProvider",
    "sns": "stratus.services.sns.provider:SnsProvider",
    "sqs": "stratus.services.sqs.provider:SqsProvider",
    "ssm": "stratus.services.ssm.provider:SsmProvider",
    "sts": "stratus.services.sts.provider:StsProvider",
}


# Services whose background work resumes when the server starts on existing data (runtime.py).
RESUMED_ON_START = ("dynamodb", "kms", "lambda", "logs", "secretsmanager", "ssm")


def import_provider_module(service: str) -> None:
    importlib.import_module(PROVIDERS[service].split(":")[0])


def is_implemented(service: str) -> bool:
    return service in PROVIDERS


class ProviderRegistry:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._instances: dict[str, Provider] = {}

    def get(self, service: str) -> Provider | None:
        provider = self._instances.get(service)
        if provider is None:
            target = PROVIDERS.get(service)
            if target is None:
                return None
            module_name, class_name = target.split(":")
            provider_class = getattr(importlib.import_module(module_name), class_name)
            provider = self._instances[service] = provider_class(self._runtime)
        return provider

    def started(self) -> set[str]:
        """Services that have answered at least one request since start."""
        return set(self._instances)

    def reset(self) -> None:
        for provider in self._instances.values():
            provider.on_reset()

    async def shutdown(self) -> None:
        """Stop what providers run outside the event loop (Lambda's execution environments)."""
        for provider in self._instances.values():
            await provider.shutdown()
