variable "name" {
  description = "Bucket name (globally unique)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name))
    error_message = "name must be 3-63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for default encryption (SSE-KMS with a bucket key); null for SSE-S3, which is all S3 server access log delivery can write to."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN or null."
  }
}

variable "access_log_target" {
  description = "Where S3 server access logs of this bucket go (a bucket whose policy lets logging.s3.amazonaws.com write, and a key prefix); null for none, as for the access-log bucket itself."
  type = object({
    bucket = string
    prefix = string
  })
  default = null
}

variable "lifecycle_rules" {
  description = "Lifecycle rules, all enabled: a key prefix (null for the whole bucket), transitions and expirations in days (the module adds one that aborts incomplete multipart uploads)."
  type = list(object({
    id     = string
    prefix = optional(string)
    transitions = optional(list(object({
      days          = number
      storage_class = string
    })), [])
    expiration_days            = optional(number)
    noncurrent_expiration_days = optional(number)
  }))

  validation {
    condition     = length(distinct([for r in var.lifecycle_rules : r.id])) == length(var.lifecycle_rules) && !contains([for r in var.lifecycle_rules : r.id], "abort-incomplete-uploads")
    error_message = "lifecycle_rules ids must be unique and not abort-incomplete-uploads (the module's own rule)."
  }
}

variable "abort_incomplete_upload_days" {
  description = "Days after which an incomplete multipart upload anywhere in the bucket is aborted."
  type        = number
  default     = 7

  validation {
    condition     = var.abort_incomplete_upload_days >= 1
    error_message = "abort_incomplete_upload_days must be at least 1."
  }
}

variable "policy_documents" {
  description = "Bucket policy documents (JSON) merged with this module's TLS-only statement."
  type        = list(string)
  default     = []
}

variable "force_destroy" {
  description = "Allow destroying the bucket with objects in it (throw-away environments only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the bucket."
  type        = map(string)
  default     = {}
}
