variable "name" {
  description = "Name of the endpoint and prefix of its resources (<project>-<environment>-endpoint)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){2,40}$", var.name))
    error_message = "name must be 3-41 letters, digits or single hyphens (endpoint config names add a suffix)."
  }
}

variable "repository_name" {
  description = "ECR repository of the serving image (<project>-<environment>-serving)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", var.repository_name))
    error_message = "repository_name must be a valid ECR repository name (lowercase)."
  }
}

variable "image_tag" {
  description = "Tag of the serving image in the repository (immutable tags: one per build)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag)) && var.image_tag != "latest"
    error_message = "image_tag must be a valid, explicit image tag (not latest)."
  }
}

variable "image_uri" {
  description = "Full image URI overriding <repository>:<image_tag> (e.g. a digest); null uses the module's repository."
  type        = string
  default     = null
}

variable "model_data_url" {
  description = "S3 URI of the model artifact (model.tar.gz from `make train`), under the lake's model prefix."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9.-]+/.+\\.tar\\.gz$", var.model_data_url))
    error_message = "model_data_url must be an s3:// URI of a .tar.gz artifact."
  }
}

variable "artifact_bucket_arn" {
  description = "Bucket holding the model artifacts and receiving data capture (the lake)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::", var.artifact_bucket_arn))
    error_message = "artifact_bucket_arn must be an S3 bucket ARN."
  }
}

variable "model_prefix" {
  description = "Prefix of model artifacts in the bucket (the role may read only there)."
  type        = string
  default     = "models"
}

variable "data_capture" {
  description = "Capture of requests and responses: enabled, S3 prefix in the artifact bucket, sampling percentage."
  type = object({
    enabled             = optional(bool, true)
    prefix              = optional(string, "datacapture")
    sampling_percentage = optional(number, 100)
  })
  default = {}

  validation {
    condition     = var.data_capture.sampling_percentage >= 0 && var.data_capture.sampling_percentage <= 100 && can(regex("^[a-z0-9][a-z0-9_-]*$", var.data_capture.prefix))
    error_message = "data_capture.sampling_percentage must be 0-100 and prefix a slash-free name."
  }
}

variable "kms_key_arn" {
  description = "Key for the repository, instance volumes, data capture and artifacts."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "variant" {
  description = <<-EOT
    Production variant. type "instance": instance_type, initial_instance_count (auto scaling owns
    the count after creation). type "serverless": memory_size_in_mb and max_concurrency
    (pay per request; no data capture, no VPC, no auto scaling).
  EOT
  type = object({
    type                   = optional(string, "instance")
    name                   = optional(string, "primary")
    instance_type          = optional(string, "ml.c6i.large")
    initial_instance_count = optional(number, 1)
    memory_size_in_mb      = optional(number, 2048)
    max_concurrency        = optional(number, 20)
  })
  default = {}

  validation {
    condition     = contains(["instance", "serverless"], var.variant.type)
    error_message = "variant.type must be instance or serverless."
  }

  validation {
    condition     = can(regex("^ml\\.[a-z0-9]+\\.[a-z0-9]+$", var.variant.instance_type)) && var.variant.initial_instance_count >= 1
    error_message = "variant.instance_type must look like ml.c6i.large and initial_instance_count be at least 1."
  }

  validation {
    condition     = contains([1024, 2048, 3072, 4096, 5120, 6144], var.variant.memory_size_in_mb) && var.variant.max_concurrency >= 1 && var.variant.max_concurrency <= 200
    error_message = "variant.memory_size_in_mb must be 1024-6144 in 1024 steps and max_concurrency 1-200."
  }
}

variable "autoscaling" {
  description = "Target tracking on invocations per instance (instance variants): enabled, min and max instances, target invocations per instance per minute, cooldowns."
  type = object({
    enabled            = optional(bool, true)
    min_capacity       = optional(number, 1)
    max_capacity       = optional(number, 4)
    target_invocations = optional(number, 700)
    scale_in_cooldown  = optional(number, 300)
    scale_out_cooldown = optional(number, 60)
  })
  default = {}

  validation {
    condition     = var.autoscaling.min_capacity >= 1 && var.autoscaling.max_capacity >= var.autoscaling.min_capacity && var.autoscaling.target_invocations > 0
    error_message = "autoscaling needs 1 <= min_capacity <= max_capacity and a positive target."
  }
}

variable "deployment" {
  description = "Blue/green rollout: traffic shift (ALL_AT_ONCE, CANARY or LINEAR), canary/linear step percent, wait between steps, and how long the old fleet stays after the shift (baking period with automatic rollback)."
  type = object({
    traffic_routing    = optional(string, "CANARY")
    step_percent       = optional(number, 10)
    wait_seconds       = optional(number, 300)
    termination_wait   = optional(number, 600)
    max_execution_time = optional(number, 3600)
  })
  default = {}

  validation {
    condition     = contains(["ALL_AT_ONCE", "CANARY", "LINEAR"], var.deployment.traffic_routing)
    error_message = "deployment.traffic_routing must be ALL_AT_ONCE, CANARY or LINEAR."
  }

  validation {
    condition     = var.deployment.step_percent >= 1 && var.deployment.step_percent <= 50 && var.deployment.wait_seconds >= 0 && var.deployment.wait_seconds <= 3600 && var.deployment.termination_wait >= 0 && var.deployment.termination_wait <= 3600 && var.deployment.max_execution_time >= 600 && var.deployment.max_execution_time <= 28800
    error_message = "deployment: step_percent 1-50, wait_seconds and termination_wait 0-3600, max_execution_time 600-28800."
  }
}

variable "alarm_thresholds" {
  description = "Alarm thresholds: p99 model latency (ms), 5xx and 4xx errors and model invocation errors per minute."
  type = object({
    model_latency_p99_ms = optional(number, 300)
    errors_5xx           = optional(number, 1)
    errors_4xx           = optional(number, 25)
    model_errors         = optional(number, 1)
    evaluation_periods   = optional(number, 3)
  })
  default = {}

  validation {
    condition     = var.alarm_thresholds.model_latency_p99_ms > 0 && var.alarm_thresholds.errors_5xx >= 0 && var.alarm_thresholds.errors_4xx >= 0 && var.alarm_thresholds.model_errors >= 0 && var.alarm_thresholds.evaluation_periods >= 1
    error_message = "alarm_thresholds must be positive (evaluation_periods at least 1)."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic notified by the endpoint alarms (null: alarms only drive rollback)."
  type        = string
  default     = null
}

variable "subnet_ids" {
  description = "Private subnets for the instance variant (empty: no VPC; serverless variants never use one)."
  type        = list(string)
  default     = []
}

variable "security_group_ids" {
  description = "Security groups for the instance variant in the VPC."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "Retention of the endpoint's container log group."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts."
  }
}

variable "logs_kms_key_arn" {
  description = "Key encrypting the endpoint log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN."
  }
}

variable "force_delete_repository" {
  description = "Delete the repository even when it holds images (local and throw-away environments only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
