"""The AWS emulator: moto, the project's Terraform, the serving stages, a small Lambda runtime and the fronts."""
