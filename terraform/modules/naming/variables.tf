variable "project" {
  description = "Project name, first part of every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.project))
    error_message = "project must be 2-16 lowercase letters or digits, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name, second part of every resource name."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod", "local"], var.environment)
    error_message = "environment must be dev, staging, prod or local."
  }
}

variable "extra_tags" {
  description = "Tags added to the standard ones (Project, Environment, ManagedBy), which win on a clash."
  type        = map(string)
  default     = {}
}
