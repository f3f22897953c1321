# The inputs of the AWS environment roots (envs/dev, envs/prod), which link this file in; each root
# declares its own `environment` (environment.tf), the one input that tells them apart.

variable "project" {
  description = "Project name, first part of every resource name."
  type        = string
  default     = "riskline"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.project))
    error_message = "project must be 2-16 lowercase letters or digits, starting with a letter."
  }
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "allowed_account_ids" {
  description = "Accounts this root may touch (guards against applying with the wrong credentials); empty allows any."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.allowed_account_ids : can(regex("^[0-9]{12}$", a))])
    error_message = "allowed_account_ids must be 12-digit account ids."
  }
}

variable "dist_dir" {
  description = "Directory of the `make package` outputs (ingestion.zip, etl.zip, routing.zip)."
  type        = string
  default     = "../../../dist"

  validation {
    condition     = length(var.dist_dir) > 0 && !endswith(var.dist_dir, "/")
    error_message = "dist_dir must be a directory path without a trailing slash."
  }
}

variable "image_tag" {
  description = "Serving image tag pushed to the environment's ECR repository."
  type        = string
  default     = "bootstrap"

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag)) && var.image_tag != "latest"
    error_message = "image_tag must be an explicit image tag (not latest)."
  }
}

variable "model_version" {
  description = "Model version served; its artifact is s3://<lake>/models/<model_version>/model.tar.gz."
  type        = string
  default     = "bootstrap"

  validation {
    condition     = can(regex("^[A-Za-z0-9._:+-]{1,128}$", var.model_version))
    error_message = "model_version must be 1-128 letters, digits or . _ : + -."
  }
}

variable "alarm_emails" {
  description = "E-mail addresses notified by the alarms."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_emails must be e-mail addresses."
  }
}

variable "lex_bot_alias_arn" {
  description = "Lex V2 bot alias allowed to call the Lex function (null: any alias in the account)."
  type        = string
  default     = null
}

variable "connect_instance_arn" {
  description = "Amazon Connect instance allowed to call the Connect function (null: any instance in the account)."
  type        = string
  default     = null
}

variable "manage_account_singletons" {
  description = "Manage the region-wide API Gateway logging role and Glue catalog encryption from this root (one stack per account and region)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Extra tags on every resource."
  type        = map(string)
  default     = {}
}
