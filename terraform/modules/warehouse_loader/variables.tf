variable "name" {
  description = "Name of the loader's function, schedule, role and alarms (<project>-<environment>-warehouse-loader)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9-_]{1,48}$", var.name))
    error_message = "name must be 1-48 letters, digits, hyphens or underscores (suffixes are added)."
  }
}

variable "filename" {
  description = "The routing deployment zip (`make package` output dist/routing.zip), which holds the loader."
  type        = string

  validation {
    condition     = endswith(var.filename, ".zip")
    error_message = "filename must be a .zip package."
  }
}

variable "handler" {
  description = "Handler string (docs/CONTRACTS.md)."
  type        = string
  default     = "riskline_routing.loader.handler"
}

variable "lake_bucket_name" {
  description = "Lake bucket: the load log, the watermark and the manifests live there beside the lake rows."
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
  description = "Prefix of the application rows (read by the DuckDB backend; Redshift COPYs them with its load role)."
  type        = string
  default     = "applications"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", var.lake_prefix))
    error_message = "lake_prefix must be a key prefix without leading or trailing slashes."
  }
}

variable "load_log_prefix" {
  description = "Prefix of the load log (markers/, watermark.json, manifests/), outside the lake rows' prefix."
  type        = string
  default     = "load-log"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", var.load_log_prefix))
    error_message = "load_log_prefix must be a key prefix without leading or trailing slashes."
  }
}

variable "lake_kms_key_arn" {
  description = "Key encrypting the lake bucket (decrypt to read, generate data keys to write the watermark and manifests)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.lake_kms_key_arn))
    error_message = "lake_kms_key_arn must be a KMS key ARN."
  }
}

variable "interval_minutes" {
  description = "Minutes between loads (prod 15, dev 60, local 1): the lake → warehouse lag is at most this plus settle_seconds plus one load."
  type        = number
  default     = 15

  validation {
    condition     = var.interval_minutes >= 1 && var.interval_minutes <= 720 && floor(var.interval_minutes) == var.interval_minutes
    error_message = "interval_minutes must be a whole number from 1 to 720."
  }
}

variable "settle_seconds" {
  description = "Markers younger than this wait for the next run, so a stream batch still writing is never skipped (longer than a marker PUT can take)."
  type        = number
  default     = 120

  validation {
    condition     = var.settle_seconds >= 0 && var.settle_seconds <= 900 && floor(var.settle_seconds) == var.settle_seconds
    error_message = "settle_seconds must be a whole number from 0 to 900."
  }
}

variable "lag_alarm_seconds" {
  description = "Lag that alarms (null: two intervals plus the settle delay, i.e. one missed run)."
  type        = number
  default     = null

  validation {
    condition     = var.lag_alarm_seconds == null || try(var.lag_alarm_seconds >= 60, false)
    error_message = "lag_alarm_seconds must be null or at least 60."
  }
}

variable "warehouse_environment" {
  description = "The warehouse variables routing reads (WAREHOUSE_BACKEND and REDSHIFT_* or WAREHOUSE_DUCKDB_PATH; docs/CONTRACTS.md)."
  type        = map(string)

  validation {
    condition     = contains(["redshift", "duckdb"], lookup(var.warehouse_environment, "WAREHOUSE_BACKEND", ""))
    error_message = "warehouse_environment must set WAREHOUSE_BACKEND to redshift or duckdb."
  }
}

variable "warehouse_workgroup_arn" {
  description = "Redshift Serverless workgroup the loader runs its statements on (null for the DuckDB backend)."
  type        = string
  default     = null

  validation {
    condition     = var.warehouse_workgroup_arn == null || can(regex("^arn:aws[a-z-]*:redshift-serverless:", var.warehouse_workgroup_arn))
    error_message = "warehouse_workgroup_arn must be a Redshift Serverless workgroup ARN or null."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the loader's metrics (POWERTOOLS_METRICS_NAMESPACE; not AWS/…)."
  type        = string
  default     = "riskline"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1-255 characters and not start with AWS/."
  }
}

variable "service_name" {
  description = "POWERTOOLS_SERVICE_NAME: the `service` dimension of the loader's metrics, which the alarms select."
  type        = string
  default     = "warehouse_loader"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_-]{1,63}$", var.service_name))
    error_message = "service_name must be 2-64 lowercase letters, digits, hyphens or underscores."
  }
}

variable "alarm_actions" {
  description = "SNS topics notified by the failed-load and lag alarms."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.alarm_actions : can(regex("^arn:aws[a-z-]*:sns:", a))])
    error_message = "alarm_actions must be SNS topic ARNs."
  }
}

variable "memory_size" {
  description = "Function memory in MB (the DuckDB backend holds one run's rows)."
  type        = number
  default     = 512

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
