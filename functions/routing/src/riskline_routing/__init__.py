"""riskline's routing function: DynamoDB stream → PII-free S3 lake → warehouse upsert."""
