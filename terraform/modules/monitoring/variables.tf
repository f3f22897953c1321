variable "name" {
  description = "Name prefix of the monitoring resources (<project>-<environment>)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,40}$", var.name))
    error_message = "name must be 2-41 lowercase letters, digits or hyphens."
  }
}

variable "kms_key_arn" {
  description = "Key encrypting the alarm topic (cloudwatch.amazonaws.com must be allowed to use it)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "logs_kms_key_arn" {
  description = "Key encrypting the trail, its bucket and its log group (cloudtrail and logs must be allowed)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alarm topic."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_emails must be e-mail addresses."
  }
}

variable "api" {
  description = "The REST API: name, stage, access-log group and channel -> API key id."
  type = object({
    name                  = string
    stage_name            = string
    access_log_group_name = string
    api_key_ids           = map(string)
  })
}

variable "function_names" {
  description = "Map role -> Lambda function name (docs/CONTRACTS.md roles)."
  type        = map(string)

  validation {
    condition     = contains(keys(var.function_names), "routing")
    error_message = "function_names must include the routing function (its iterator age is alarmed)."
  }
}

variable "endpoint" {
  description = "The SageMaker endpoint: name and variant."
  type = object({
    name         = string
    variant_name = string
  })
}

variable "scoring_queue_name" {
  description = "Scoring queue (depth and age on the dashboard)."
  type        = string
}

variable "dead_letter_queue_names" {
  description = "Queues whose depth means work waiting on an operator (alarmed at >= 1 message)."
  type        = list(string)

  validation {
    condition     = length(var.dead_letter_queue_names) >= 1
    error_message = "dead_letter_queue_names must name at least one queue."
  }
}

variable "routing_failure_queue" {
  description = "The routing function's on-failure queue: alarmed at max_depth messages and when its oldest message is max_age_hours old (redrive before retention ends)."
  type = object({
    name          = string
    max_depth     = optional(number, 1)
    max_age_hours = optional(number, 72)
  })

  validation {
    condition     = length(var.routing_failure_queue.name) > 0 && var.routing_failure_queue.max_depth >= 1 && var.routing_failure_queue.max_age_hours >= 1 && var.routing_failure_queue.max_age_hours <= 336
    error_message = "routing_failure_queue needs a name, max_depth >= 1 and max_age_hours between 1 and 336 (SQS keeps messages at most 14 days)."
  }
}

variable "iterator_age_threshold_ms" {
  description = "Stream consumer iterator age (ms) that raises the lag alarm."
  type        = number
  default     = 60000

  validation {
    condition     = var.iterator_age_threshold_ms >= 1000
    error_message = "iterator_age_threshold_ms must be at least 1000."
  }
}

variable "log_retention_days" {
  description = "Retention of the trail's CloudWatch log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts."
  }
}

variable "enable_saved_queries" {
  description = "Save the Logs Insights queries over the API access logs."
  type        = bool
  default     = true
}

variable "enable_cloudtrail" {
  description = "Create the data-event trail and its bucket."
  type        = bool
  default     = true
}

variable "trail_bucket_name" {
  description = "Bucket receiving the trail's log files (globally unique)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.trail_bucket_name))
    error_message = "trail_bucket_name must be a valid S3 bucket name."
  }
}

variable "access_log_bucket_name" {
  description = "Bucket receiving S3 server access logs of the trail bucket."
  type        = string
}

variable "audited" {
  description = "Data the trail records every access to: lake bucket ARN, applications table ARN, endpoint ARN."
  type = object({
    lake_bucket_arn = string
    table_arn       = string
    endpoint_arn    = string
  })
}

variable "trail_retention_days" {
  description = "Days trail log files are kept."
  type        = number
  default     = 400

  validation {
    condition     = var.trail_retention_days >= 90
    error_message = "trail_retention_days must be at least 90."
  }
}

variable "force_destroy" {
  description = "Allow destroying a non-empty trail bucket (local only)."
  type        = bool
  default     = false
}

variable "account_id" {
  description = "Account id (scopes the trail bucket policy)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account id."
  }
}

variable "region" {
  description = "Region of the dashboard widgets."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
