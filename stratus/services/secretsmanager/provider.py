"""(being built)"""

from __future__ import annotations

from stratus.services.base import Provider


class SecretsManagerProvider(Provider):
    service = "secretsmanager"
