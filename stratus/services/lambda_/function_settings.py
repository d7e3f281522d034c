"""(being built)"""

from __future__ import annotations


class FunctionSettingOperations:
    pass
