"""The dynamodb database's tables for backups and point-in-time recovery (migration 3)."""

TABLES = ""
