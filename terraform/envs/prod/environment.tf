variable "environment" {
  description = "Environment name (this root deploys prod)."
  type        = string
  default     = "prod"

  validation {
    condition     = var.environment == "prod"
    error_message = "This root deploys the prod environment."
  }
}
