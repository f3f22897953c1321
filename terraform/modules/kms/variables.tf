variable "name" {
  description = "Name of the key; the alias is alias/<name>."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{2,62}$", var.name))
    error_message = "name must be 3-63 lowercase letters, digits or hyphens."
  }
}

variable "description" {
  description = "What the key protects."
  type        = string
}

variable "account_id" {
  description = "AWS account that owns the key; its IAM policies may use the key, subject to their own grants."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account id."
  }
}

variable "region" {
  description = "Region of the key (used in service-principal conditions)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "partition" {
  description = "AWS partition (aws, aws-cn, aws-us-gov)."
  type        = string
  default     = "aws"

  validation {
    condition     = contains(["aws", "aws-cn", "aws-us-gov"], var.partition)
    error_message = "partition must be aws, aws-cn or aws-us-gov."
  }
}

variable "service_principals" {
  description = <<-EOT
    AWS services allowed to use the key directly (not through a caller's IAM identity), for
    example cloudwatch.amazonaws.com to publish alarms to an encrypted SNS topic. The logs and
    cloudtrail principals get their own statements with encryption-context conditions: list them
    as "logs" and "cloudtrail".
  EOT
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([
      for s in var.service_principals : contains(["logs", "cloudtrail"], s) || can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", s))
    ])
    error_message = "service_principals entries must be \"logs\", \"cloudtrail\" or a service principal such as sns.amazonaws.com."
  }
}

variable "deletion_window_in_days" {
  description = "Waiting period before a scheduled key deletion takes effect."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "rotation_period_in_days" {
  description = "Automatic rotation period of the key material."
  type        = number
  default     = 365

  validation {
    condition     = var.rotation_period_in_days >= 90 && var.rotation_period_in_days <= 2560
    error_message = "rotation_period_in_days must be between 90 and 2560."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
