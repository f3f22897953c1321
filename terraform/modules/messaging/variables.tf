variable "queue_names" {
  description = "Queue names: scoring (ScoringRequest messages), scoring_dlq (after max_receive_count receives), routing_failure (stream consumer's on-failure destination), function_dlq (failed asynchronous invocations)."
  type = object({
    scoring         = string
    scoring_dlq     = string
    routing_failure = string
    function_dlq    = string
  })

  validation {
    condition     = alltrue([for n in values(var.queue_names) : can(regex("^[a-zA-Z0-9_-]{1,80}$", n))])
    error_message = "Queue names must be 1-80 letters, digits, hyphens or underscores."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed key encrypting every queue."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "max_receive_count" {
  description = "Receives of a scoring message before it moves to the DLQ (contract: 5)."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000."
  }
}

variable "scoring_visibility_timeout_seconds" {
  description = "Visibility timeout of the scoring queue; at least 6x the etl queue function timeout."
  type        = number
  default     = 180

  validation {
    condition     = var.scoring_visibility_timeout_seconds >= 0 && var.scoring_visibility_timeout_seconds <= 43200
    error_message = "scoring_visibility_timeout_seconds must be between 0 and 43200."
  }
}

variable "dlq_retention_seconds" {
  description = "How long dead letters are kept (maximum 14 days)."
  type        = number
  default     = 1209600

  validation {
    condition     = var.dlq_retention_seconds >= 60 && var.dlq_retention_seconds <= 1209600
    error_message = "dlq_retention_seconds must be between 60 and 1209600."
  }
}

variable "event_source_mappings" {
  description = "Create the SQS -> etl queue consumer and stream -> routing mappings (the functions must exist)."
  type        = bool
  default     = true
}

variable "etl_queue_function_arn" {
  description = "Live-alias ARN of the etl SQS consumer."
  type        = string
  default     = null
}

variable "routing_function_arn" {
  description = "Live-alias ARN of the routing stream consumer."
  type        = string
  default     = null
}

variable "stream_arn" {
  description = "Applications table stream ARN."
  type        = string
  default     = null

  validation {
    condition     = var.stream_arn == null || can(regex("^arn:aws[a-z-]*:dynamodb:.*/stream/", var.stream_arn))
    error_message = "stream_arn must be a DynamoDB stream ARN."
  }
}

variable "sqs_consumer" {
  description = "SQS -> etl mapping: batch size, batching window and the most concurrent invocations it may start."
  type = object({
    batch_size                         = optional(number, 10)
    maximum_batching_window_in_seconds = optional(number, 1)
    maximum_concurrency                = optional(number, 5)
  })
  default = {}

  validation {
    condition     = var.sqs_consumer.batch_size >= 1 && var.sqs_consumer.batch_size <= 10000 && var.sqs_consumer.maximum_concurrency >= 2 && var.sqs_consumer.maximum_concurrency <= 1000
    error_message = "sqs_consumer.batch_size must be 1-10000 and maximum_concurrency 2-1000."
  }
}

variable "stream_consumer" {
  description = "Stream -> routing mapping: batch size, batching window, retries, record age, parallelization."
  type = object({
    batch_size                         = optional(number, 100)
    maximum_batching_window_in_seconds = optional(number, 1)
    maximum_retry_attempts             = optional(number, 5)
    maximum_record_age_in_seconds      = optional(number, 86400)
    parallelization_factor             = optional(number, 1)
  })
  default = {}

  validation {
    condition = (
      var.stream_consumer.batch_size >= 1 && var.stream_consumer.batch_size <= 10000 &&
      var.stream_consumer.maximum_retry_attempts >= 0 && var.stream_consumer.maximum_retry_attempts <= 10000 &&
      var.stream_consumer.maximum_record_age_in_seconds >= 60 && var.stream_consumer.maximum_record_age_in_seconds <= 604800 &&
      var.stream_consumer.parallelization_factor >= 1 && var.stream_consumer.parallelization_factor <= 10
    )
    error_message = "stream_consumer: batch_size 1-10000, maximum_retry_attempts 0-10000, maximum_record_age_in_seconds 60-604800, parallelization_factor 1-10."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
