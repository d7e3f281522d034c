"""(being built)"""

from __future__ import annotations


class ProvisionedConcurrencyOperations:
    pass
