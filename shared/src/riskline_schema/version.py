"""The schema version travels with every record so readers can tell shapes apart."""

SCHEMA_VERSION = "1.0"
