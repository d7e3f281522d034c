"""(being built)"""

from __future__ import annotations

from stratus.services.base import Provider


class SsmProvider(Provider):
    service = "ssm"
