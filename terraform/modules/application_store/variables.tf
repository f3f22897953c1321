variable "applications_table_name" {
  description = "Name of the applications table (<project>-<environment>-applications)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.applications_table_name))
    error_message = "applications_table_name must be 3-255 letters, digits, '_', '-' or '.'."
  }
}

variable "idempotency_table_name" {
  description = "Name of the powertools idempotency table (<project>-<environment>-idempotency)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.idempotency_table_name))
    error_message = "idempotency_table_name must be 3-255 letters, digits, '_', '-' or '.'."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed key encrypting both tables."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "deletion_protection" {
  description = "Refuse DeleteTable on the applications table (on in prod)."
  type        = bool
  default     = true
}

variable "point_in_time_recovery" {
  description = "Continuous backups of the applications table."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
