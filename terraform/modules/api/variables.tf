variable "name" {
  description = "Name of the REST API and prefix of its resources (<project>-<environment>-api)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{2,62}$", var.name))
    error_message = "name must be 3-63 lowercase letters, digits or hyphens."
  }
}

variable "stage_name" {
  description = "Stage name (part of the invoke URL)."
  type        = string
  default     = "v1"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name must be letters, digits, hyphens or underscores."
  }
}

variable "function_invoke_arn" {
  description = "Invoke ARN of the ingestion API function's live alias (all routes proxy to it)."
  type        = string
}

variable "channels" {
  description = "Per-channel API key and usage plan: steady rate (requests/s), burst, and monthly quota. Keys: the five channels."
  type = map(object({
    rate_limit    = number
    burst_limit   = number
    monthly_quota = number
  }))
  default = {
    webform = { rate_limit = 50, burst_limit = 100, monthly_quota = 5000000 }
    mobile  = { rate_limit = 50, burst_limit = 100, monthly_quota = 5000000 }
    chatbot = { rate_limit = 10, burst_limit = 20, monthly_quota = 1000000 }
    phone   = { rate_limit = 10, burst_limit = 20, monthly_quota = 1000000 }
    mail    = { rate_limit = 5, burst_limit = 10, monthly_quota = 500000 }
  }

  validation {
    condition     = alltrue([for c in keys(var.channels) : contains(["webform", "mobile", "chatbot", "phone", "mail"], c)])
    error_message = "channels keys must be among webform, mobile, chatbot, phone, mail."
  }

  validation {
    condition     = alltrue([for c in values(var.channels) : c.rate_limit > 0 && c.burst_limit >= c.rate_limit && c.monthly_quota > 0])
    error_message = "Each channel needs a positive rate_limit, burst_limit >= rate_limit and a positive monthly_quota."
  }
}

variable "stage_throttle" {
  description = "Stage-wide default throttle (requests/s and burst) for every method."
  type = object({
    rate_limit  = number
    burst_limit = number
  })
  default = { rate_limit = 200, burst_limit = 400 }

  validation {
    condition     = var.stage_throttle.rate_limit > 0 && var.stage_throttle.burst_limit >= var.stage_throttle.rate_limit
    error_message = "stage_throttle needs a positive rate_limit and burst_limit >= rate_limit."
  }
}

variable "waf_rate_limit" {
  description = "Requests per 5 minutes from one IP before the WAF blocks it."
  type        = number
  default     = 2000

  validation {
    condition     = var.waf_rate_limit >= 10 && var.waf_rate_limit <= 2000000000
    error_message = "waf_rate_limit must be between 10 and 2e9 (WAF limits)."
  }
}

variable "enable_waf" {
  description = "Create the WAF web ACL, its association and logging."
  type        = bool
  default     = true
}

variable "manage_account_logging_role" {
  description = "Set the region's API Gateway CloudWatch Logs role (a regional account singleton; needed for access and execution logs)."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of the access-log and WAF log groups."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts."
  }
}

variable "logs_kms_key_arn" {
  description = "Key encrypting the log groups."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
