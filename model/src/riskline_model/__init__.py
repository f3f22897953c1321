"""riskline's model: learns how auditors decide, and serves that as a two-stage SageMaker pipeline."""
