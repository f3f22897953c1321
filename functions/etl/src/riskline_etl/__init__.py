"""riskline etl function: scores applications on the SageMaker inference-pipeline endpoint.

Entry points (see docs/CONTRACTS.md): `riskline_etl.sync.handler` (synchronous invoke from
ingestion) and `riskline_etl.queue_consumer.handler` (SQS scoring consumer). Nothing is imported here so
each entry point pays only for what its own path needs.
"""
