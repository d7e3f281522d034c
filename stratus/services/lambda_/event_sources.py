"""Event source mappings: their operations and the pollers that feed functions (being built)."""

from __future__ import annotations


class EventSourceMappingOperations:
    def start_event_sources(self) -> None:
        """Called once by LambdaProvider.__init__: start whatever polls for enabled mappings."""
