"""The demo: seeded applications through every channel, the faults, the reconciliation and the report."""
