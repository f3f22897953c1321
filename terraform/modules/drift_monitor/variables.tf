variable "name" {
  description = "Name of the monitor's function, schedule, role and alarms (<project>-<environment>-drift-monitor)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9-_]{1,56}$", var.name))
    error_message = "name must be 1-56 letters, digits, hyphens or underscores (suffixes are added)."
  }
}

variable "filename" {
  description = "The monitor's deployment zip (`make package` output dist/monitor.zip)."
  type        = string

  validation {
    condition     = endswith(var.filename, ".zip")
    error_message = "filename must be a .zip package."
  }
}

variable "handler" {
  description = "Handler string (docs/CONTRACTS.md)."
  type        = string
  default     = "riskline_monitor.handler.handler"
}

variable "lake_bucket_name" {
  description = "Lake bucket: the monitor reads the lake and the served artifact there and writes its reports."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.lake_bucket_name))
    error_message = "lake_bucket_name must be a valid S3 bucket name."
  }
}

variable "lake_bucket_arn" {
  description = "Lake bucket ARN."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.lake_bucket_arn))
    error_message = "lake_bucket_arn must be an S3 bucket ARN."
  }
}

variable "lake_prefix" {
  description = "Prefix of the application rows (read)."
  type        = string
  default     = "applications"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", var.lake_prefix))
    error_message = "lake_prefix must be a key prefix without leading or trailing slashes."
  }
}

variable "models_prefix" {
  description = "Prefix of model artifacts (read: models/<model_version>/model.tar.gz holds the baseline)."
  type        = string
  default     = "models"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", var.models_prefix))
    error_message = "models_prefix must be a key prefix without leading or trailing slashes."
  }
}

variable "report_prefix" {
  description = "Prefix the drift reports are written under (the only prefix the monitor may write)."
  type        = string
  default     = "monitoring/drift"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", var.report_prefix))
    error_message = "report_prefix must be a key prefix without leading or trailing slashes."
  }
}

variable "lake_kms_key_arn" {
  description = "Key encrypting the lake objects (decrypt to read, generate data keys to write reports)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.lake_kms_key_arn))
    error_message = "lake_kms_key_arn must be a KMS key ARN."
  }
}

variable "model_version" {
  description = "The served model version, whose artifact carries the training baseline."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._:+-]{1,128}$", var.model_version))
    error_message = "model_version must be 1-128 letters, digits or . _ : + -."
  }
}

variable "namespace" {
  description = "CloudWatch namespace of the drift metrics (the only one the monitor may write)."
  type        = string
  default     = "riskline/drift"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.namespace)) && !startswith(var.namespace, "AWS/")
    error_message = "namespace must be 1-255 characters and not start with AWS/."
  }
}

variable "schedule_expression" {
  description = "When the monitor runs: an EventBridge Scheduler rate() or cron() expression."
  type        = string
  default     = "cron(0 6 * * ? *)"

  validation {
    condition     = can(regex("^(rate\\([0-9]+ (minute|minutes|hour|hours|day|days)\\)|cron\\(.+\\))$", var.schedule_expression))
    error_message = "schedule_expression must be rate(N unit) or cron(...)."
  }
}

variable "window_days" {
  description = "Days of lake partitions each run compares with the baseline."
  type        = number
  default     = 7

  validation {
    condition     = var.window_days >= 1 && var.window_days <= 90 && floor(var.window_days) == var.window_days
    error_message = "window_days must be a whole number from 1 to 90."
  }
}

variable "psi_threshold" {
  description = "PSI above which a feature counts as drifted; the alarm fires when the largest feature PSI passes it."
  type        = number
  default     = 0.2

  validation {
    condition     = var.psi_threshold > 0 && var.psi_threshold < 10
    error_message = "psi_threshold must be above 0 and below 10."
  }
}

variable "alarm_actions" {
  description = "SNS topics notified when drift (or a failed run) alarms; a topic can also start the retraining loop."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.alarm_actions : can(regex("^arn:aws[a-z-]*:sns:", a))])
    error_message = "alarm_actions must be SNS topic ARNs."
  }
}

variable "memory_size" {
  description = "Function memory in MB (the window's latest rows are held in memory)."
  type        = number
  default     = 1024

  validation {
    condition     = var.memory_size >= 256 && var.memory_size <= 10240
    error_message = "memory_size must be between 256 and 10240 MB."
  }
}

variable "timeout" {
  description = "Function timeout in seconds."
  type        = number
  default     = 300

  validation {
    condition     = var.timeout >= 30 && var.timeout <= 900
    error_message = "timeout must be between 30 and 900 seconds."
  }
}

variable "kms_key_arn" {
  description = "Key encrypting the function's environment and the schedule."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "logs_kms_key_arn" {
  description = "Key encrypting the function's log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "dead_letter_queue_arn" {
  description = "SQS queue for failed invocations (function and schedule)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sqs:", var.dead_letter_queue_arn))
    error_message = "dead_letter_queue_arn must be an SQS queue ARN."
  }
}

variable "dead_letter_queue_kms_key_arn" {
  description = "Key encrypting the dead-letter queue."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.dead_letter_queue_kms_key_arn))
    error_message = "dead_letter_queue_kms_key_arn must be a KMS key ARN."
  }
}

variable "account_id" {
  description = "AWS account id (scopes the scheduler's trust policy)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "log_level" {
  description = "Application log level."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARN or ERROR."
  }
}

variable "log_retention_days" {
  description = "Log retention in days."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
