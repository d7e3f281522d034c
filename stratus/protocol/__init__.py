"""The wire: model loading, request parsing and response serialization, driven by botocore's models."""
