"""Lambda layers: PublishLayerVersion, Get/List/Delete, layer version permissions (being built)."""

from __future__ import annotations


class LayerOperations:
    pass
