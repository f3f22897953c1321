variable "name" {
  description = "Name prefix of every workbench resource (<project>-<environment>-workbench)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{2,48}$", var.name))
    error_message = "name must be 3-49 lowercase letters, digits or '-'."
  }
}

variable "access_log_table_name" {
  description = "Name of the workbench's append-only access log table (<project>-<environment>-workbench-access-log)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.access_log_table_name))
    error_message = "access_log_table_name must be 3-255 letters, digits, '_', '-' or '.'."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed key encrypting the access log table."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "auditor_group" {
  description = "The user-pool group whose members may use the workbench."
  type        = string
  default     = "auditors"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.auditor_group))
    error_message = "auditor_group must be 1-128 letters, digits, '_' or '-'."
  }
}

variable "sign_in" {
  description = "The user pool's hosted sign-in: its domain prefix, and the token lifetimes (minutes for id/access, hours for refresh)."
  type = object({
    domain_prefix          = string
    id_token_minutes       = optional(number, 60)
    access_token_minutes   = optional(number, 60)
    refresh_token_hours    = optional(number, 12)
    extra_callback_origins = optional(list(string), [])
  })

  validation {
    condition     = can(regex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", var.sign_in.domain_prefix)) && !can(regex("aws|amazon|cognito", var.sign_in.domain_prefix))
    error_message = "sign_in.domain_prefix must be 1-63 lowercase letters, digits or '-', without 'aws', 'amazon' or 'cognito'."
  }

  validation {
    condition     = var.sign_in.id_token_minutes >= 5 && var.sign_in.id_token_minutes <= 1440 && var.sign_in.access_token_minutes >= 5 && var.sign_in.access_token_minutes <= 1440
    error_message = "Token lifetimes must be 5-1440 minutes."
  }

  validation {
    condition     = var.sign_in.refresh_token_hours >= 1 && var.sign_in.refresh_token_hours <= 87600
    error_message = "sign_in.refresh_token_hours must be 1-87600."
  }

  validation {
    condition     = alltrue([for o in var.sign_in.extra_callback_origins : can(regex("^https://[a-z0-9.-]+(:[0-9]+)?$", o)) || can(regex("^http://(127\\.0\\.0\\.1|localhost)(:[0-9]+)?$", o))])
    error_message = "extra_callback_origins must be https origins (or http on loopback), without a path."
  }
}

variable "site" {
  description = "The page: from S3 behind CloudFront, with the API's /workbench/* routes as a second origin (same origin, no CORS). null leaves the site out (the local stack serves the page itself)."
  type = object({
    bucket_name     = string
    api_domain_name = string
    api_stage_name  = string
    page_dir        = string
    price_class     = optional(string, "PriceClass_100")
    web_acl_arn     = optional(string)
  })
  default = null

  validation {
    condition     = var.site == null ? true : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.site.bucket_name))
    error_message = "site.bucket_name must be a valid S3 bucket name."
  }

  validation {
    condition     = var.site == null ? true : can(regex("^[a-z0-9]+\\.execute-api\\.[a-z0-9-]+\\.amazonaws\\.com$", var.site.api_domain_name))
    error_message = "site.api_domain_name must be the REST API's execute-api host name (<id>.execute-api.<region>.amazonaws.com)."
  }

  validation {
    condition     = var.site == null ? true : can(regex("^[A-Za-z0-9_]{1,128}$", var.site.api_stage_name))
    error_message = "site.api_stage_name must be the API stage name."
  }

  validation {
    condition     = var.site == null ? true : contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.site.price_class)
    error_message = "site.price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }

  validation {
    condition     = var.site == null ? true : (var.site.web_acl_arn == null ? true : can(regex("^arn:aws[a-z-]*:wafv2:us-east-1:[0-9]{12}:global/webacl/", var.site.web_acl_arn)))
    error_message = "site.web_acl_arn must be a CLOUDFRONT-scope web ACL (us-east-1, global/webacl/)."
  }
}

variable "deletion_protection" {
  description = "Refuse deleting the user pool and the access log table (on in prod)."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Let destroy remove a non-empty site bucket (throw-away environments only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
