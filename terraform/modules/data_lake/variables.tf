variable "bucket_name" {
  description = "Lake bucket name (globally unique, e.g. <project>-<environment>-lake-<account>)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)."
  }
}

variable "access_log_bucket_name" {
  description = "Bucket receiving S3 server access logs of the lake (and of other buckets that log to it)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_log_bucket_name))
    error_message = "access_log_bucket_name must be a valid S3 bucket name."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed key encrypting the lake objects and the applicant-key secret."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "account_id" {
  description = "Account owning the buckets (scopes the access-log delivery policy)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account id."
  }
}

variable "lake_prefix" {
  description = "Key prefix of the application records (contract LAKE_PREFIX)."
  type        = string
  default     = "applications"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]*$", var.lake_prefix))
    error_message = "lake_prefix must be lowercase letters, digits, '_' or '-', without slashes."
  }
}

variable "mailroom_prefix" {
  description = "Prefix where staff upload mail-room CSV batches; uploads there invoke the mail-room function."
  type        = string
  default     = "mailroom/incoming/"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_/-]*/$", var.mailroom_prefix))
    error_message = "mailroom_prefix must be a relative prefix ending with '/'."
  }
}

variable "data_capture_prefix" {
  description = "Prefix of the SageMaker endpoint's captured requests and responses."
  type        = string
  default     = "datacapture"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]*$", var.data_capture_prefix))
    error_message = "data_capture_prefix must be lowercase letters, digits, '_' or '-', without slashes."
  }
}

variable "model_prefix" {
  description = "Prefix of model artifacts (model.tar.gz) the endpoint loads."
  type        = string
  default     = "models"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]*$", var.model_prefix))
    error_message = "model_prefix must be lowercase letters, digits, '_' or '-', without slashes."
  }
}

variable "mailroom_notification" {
  description = "Notify the mail-room function of CSV uploads under mailroom_prefix (needs mailroom_function_arn)."
  type        = bool
  default     = true
}

variable "mailroom_function_arn" {
  description = "Live-alias ARN of the mail-room function notified of CSV uploads."
  type        = string
  default     = null

  validation {
    condition     = var.mailroom_function_arn == null || can(regex("^arn:aws[a-z-]*:lambda:", var.mailroom_function_arn))
    error_message = "mailroom_function_arn must be a Lambda function or alias ARN."
  }
}

variable "lifecycle_days" {
  description = "Lake lifecycle: days to Standard-IA, days to Glacier Instant Retrieval, days to keep noncurrent versions, days to keep mail-room uploads, days to keep access logs."
  type = object({
    to_infrequent_access = optional(number, 30)
    to_glacier_ir        = optional(number, 180)
    noncurrent_expire    = optional(number, 90)
    mailroom_expire      = optional(number, 90)
    access_logs_expire   = optional(number, 365)
  })
  default = {}

  validation {
    condition     = var.lifecycle_days.to_infrequent_access >= 30 && var.lifecycle_days.to_glacier_ir > var.lifecycle_days.to_infrequent_access && var.lifecycle_days.noncurrent_expire >= 1 && var.lifecycle_days.mailroom_expire >= 1 && var.lifecycle_days.access_logs_expire >= 1
    error_message = "lifecycle_days: Standard-IA needs at least 30 days, Glacier IR must come after it, expirations at least 1 day."
  }
}

variable "force_destroy" {
  description = "Allow destroying non-empty buckets (local and throw-away environments only)."
  type        = bool
  default     = false
}

variable "glue_database_name" {
  description = "Glue catalog database holding the lake table (letters, digits, underscores)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.glue_database_name))
    error_message = "glue_database_name must be lowercase letters, digits or underscores."
  }
}

variable "manage_catalog_encryption" {
  description = "Set the account's Glue Data Catalog encryption (a regional singleton: enable it in one stack per account and region)."
  type        = bool
  default     = true
}

variable "applicant_key_secret_name" {
  description = "Secrets Manager secret holding the HMAC key behind applicant_key."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9/_+=.@-]{1,512}$", var.applicant_key_secret_name))
    error_message = "applicant_key_secret_name must be a valid Secrets Manager name."
  }
}

variable "generate_applicant_key" {
  description = "Generate the applicant HMAC key with Secrets Manager at apply (written write-only to the secret). false: operators put the value themselves (terraform/README.md)."
  type        = bool
  default     = true
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret stays recoverable (0 deletes at once; local only)."
  type        = number
  default     = 30

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
