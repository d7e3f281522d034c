"""The dynamodb database's tables for global tables (version 2017.11.29) (migration 4)."""

TABLES = ""
