"""(being built)"""

from __future__ import annotations

from stratus.services.base import Provider


class KmsProvider(Provider):
    service = "kms"
