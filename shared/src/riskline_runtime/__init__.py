"""What every riskline function does the same way: settings, AWS clients, observability, the
applications table. Shipped in every function's zip beside riskline_schema (docs/CONTRACTS.md).

Nothing is imported here, so a handler pays only for the modules it uses.
"""
