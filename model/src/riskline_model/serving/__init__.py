"""The serving image: one entry point, two SageMaker inference-pipeline stages (preprocess, xgboost)."""
