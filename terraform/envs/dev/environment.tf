variable "environment" {
  description = "Environment name (this root deploys dev)."
  type        = string
  default     = "dev"

  validation {
    condition     = var.environment == "dev"
    error_message = "This root deploys the dev environment."
  }
}
