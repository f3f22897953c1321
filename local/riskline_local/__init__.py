"""riskline's embedded local stack: moto, the project's Terraform, the serving stages and a small Lambda runtime."""
