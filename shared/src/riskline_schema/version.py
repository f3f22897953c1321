"""The schema version travels with every record so readers can tell shapes apart.

1.1 adds graded audit decisions and per-tier probabilities (all optional), so every 1.0 record
still validates; writers always stamp the current version.
"""

from typing import Literal

SCHEMA_VERSION = "1.1"
SchemaVersion = Literal["1.0", "1.1"]
