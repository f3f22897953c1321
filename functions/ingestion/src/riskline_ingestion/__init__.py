"""riskline ingestion: every channel's payload becomes an Application, scored inline or queued, stored once.

Entry points (docs/CONTRACTS.md): `api.handler`, `lex.handler`, `connect.handler`, `mailroom.handler`.
"""
