variable "function_name" {
  description = "Lambda function name (<project>-<environment>-<role>)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9-_]{1,64}$", var.function_name))
    error_message = "function_name must be 1-64 letters, digits, hyphens or underscores."
  }
}

variable "description" {
  description = "What the function does."
  type        = string
  default     = ""
}

variable "filename" {
  description = "Path of the deployment zip (a `make package` output, e.g. dist/ingestion.zip)."
  type        = string

  validation {
    condition     = endswith(var.filename, ".zip")
    error_message = "filename must be a .zip package."
  }
}

variable "handler" {
  description = "Handler string, module.function (see docs/CONTRACTS.md)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+$", var.handler))
    error_message = "handler must be a dotted python path such as riskline_etl.sync.handler."
  }
}

variable "runtime" {
  description = "Lambda runtime."
  type        = string
  default     = "python3.11"

  validation {
    condition     = can(regex("^python3\\.(1[1-3])$", var.runtime))
    error_message = "runtime must be python3.11, python3.12 or python3.13."
  }
}

variable "architecture" {
  description = "Instruction set (the packages are built for manylinux2014_x86_64)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "memory_size" {
  description = "Memory in MB (CPU scales with it)."
  type        = number
  default     = 512

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout" {
  description = "Timeout in seconds."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900
    error_message = "timeout must be between 1 and 900 seconds."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions (a ceiling that protects downstream services); -1 leaves it unreserved."
  type        = number
  default     = 10

  validation {
    condition     = var.reserved_concurrency == -1 || var.reserved_concurrency >= 1
    error_message = "reserved_concurrency must be -1 or at least 1."
  }
}

variable "environment_variables" {
  description = "Environment variables (docs/CONTRACTS.md lists each function's)."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "Customer-managed key encrypting the environment variables."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "logs_kms_key_arn" {
  description = "Customer-managed key encrypting the log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Log retention in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "log_level" {
  description = "Application log level (also given to powertools as POWERTOOLS_LOG_LEVEL)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARN or ERROR."
  }
}

variable "policy_json" {
  description = "The function's least-privilege IAM policy (JSON) for what its code does; logging, tracing, DLQ and environment-key statements are added here."
  type        = string

  validation {
    condition     = can(jsondecode(var.policy_json).Statement)
    error_message = "policy_json must be an IAM policy document with a Statement list."
  }
}

variable "dead_letter_queue_arn" {
  description = "SQS queue receiving asynchronous invocations that failed every retry (also the on-failure destination)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sqs:", var.dead_letter_queue_arn))
    error_message = "dead_letter_queue_arn must be an SQS queue ARN."
  }
}

variable "dead_letter_queue_kms_key_arn" {
  description = "Key encrypting the dead-letter queue (the role needs it to send)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.dead_letter_queue_kms_key_arn))
    error_message = "dead_letter_queue_kms_key_arn must be a KMS key ARN."
  }
}

variable "async_maximum_retry_attempts" {
  description = "Retries of a failed asynchronous invocation before it goes to the on-failure destination."
  type        = number
  default     = 2

  validation {
    condition     = var.async_maximum_retry_attempts >= 0 && var.async_maximum_retry_attempts <= 2
    error_message = "async_maximum_retry_attempts must be 0, 1 or 2."
  }
}

variable "alias_name" {
  description = "Alias every invoker uses; it follows the latest published version."
  type        = string
  default     = "live"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-_]{0,127}$", var.alias_name))
    error_message = "alias_name must start with a letter and hold letters, digits, hyphens or underscores."
  }
}

variable "allowed_triggers" {
  description = <<-EOT
    Services allowed to invoke the live alias, keyed by a statement id: principal (e.g.
    apigateway.amazonaws.com), source_arn, and optionally source_account.
  EOT
  type = map(object({
    principal      = string
    source_arn     = optional(string)
    source_account = optional(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for k, t in var.allowed_triggers : can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", t.principal)) && (t.source_arn != null || t.source_account != null)])
    error_message = "Each trigger needs a service principal and a source_arn or source_account to scope it."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
