variable "project" {
  description = "Project name, first part of every resource name."
  type        = string
  default     = "riskline"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.project))
    error_message = "project must be 2-16 lowercase letters or digits, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name (this root deploys local)."
  type        = string
  default     = "local"

  validation {
    condition     = var.environment == "local"
    error_message = "This root deploys the local environment."
  }
}

variable "region" {
  description = "Region the moto server answers for."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "aws_endpoint" {
  description = "Base URL of the moto server every AWS service is pointed at, e.g. http://127.0.0.1:5000."
  type        = string
  default     = "http://127.0.0.1:5000"

  validation {
    condition     = can(regex("^https?://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?$", var.aws_endpoint))
    error_message = "aws_endpoint must be a loopback URL such as http://127.0.0.1:5000 (this root never targets real AWS)."
  }
}

variable "dist_dir" {
  description = "Absolute directory of the `make package` outputs (ingestion.zip, etl.zip, routing.zip)."
  type        = string
  default     = "../../../dist"

  validation {
    condition     = length(var.dist_dir) > 0 && !endswith(var.dist_dir, "/")
    error_message = "dist_dir must be a directory path without a trailing slash."
  }
}

variable "model_version" {
  description = "Model version recorded in the endpoint's model (moto serves no real model)."
  type        = string
  default     = "local"

  validation {
    condition     = can(regex("^[A-Za-z0-9._:+-]{1,128}$", var.model_version))
    error_message = "model_version must be 1-128 letters, digits or . _ : + -."
  }
}

variable "warehouse_duckdb_path" {
  description = "DuckDB file the routing function uses as warehouse (Redshift Serverless is off here)."
  type        = string
  default     = "/tmp/riskline-warehouse.duckdb"
}
