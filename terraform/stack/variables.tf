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
  description = "Environment name, second part of every resource name."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod", "local"], var.environment)
    error_message = "environment must be dev, staging, prod or local."
  }
}

variable "name_prefix" {
  description = "<project>-<environment>, built once in the environment's locals; every resource is <name_prefix>-<role>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}-[a-z]+$", var.name_prefix))
    error_message = "name_prefix must be <project>-<environment>."
  }
}

variable "account_id" {
  description = "AWS account id (from aws_caller_identity in the environment)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account id."
  }
}

variable "region" {
  description = "AWS region."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "partition" {
  description = "AWS partition."
  type        = string
  default     = "aws"

  validation {
    condition     = contains(["aws", "aws-cn", "aws-us-gov"], var.partition)
    error_message = "partition must be aws, aws-cn or aws-us-gov."
  }
}

variable "tags" {
  description = "Tags merged into every resource."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------- functions

variable "dist_dir" {
  description = "Directory holding the `make package` outputs: ingestion.zip, etl.zip, routing.zip."
  type        = string

  validation {
    condition     = length(var.dist_dir) > 0 && !endswith(var.dist_dir, "/")
    error_message = "dist_dir must be a directory path without a trailing slash."
  }
}

variable "functions" {
  description = "Per-function memory (MB), timeout (s) and reserved concurrency, by role; roles left out keep the defaults."
  type = map(object({
    memory_size          = optional(number)
    timeout              = optional(number)
    reserved_concurrency = optional(number)
  }))
  default = {}

  validation {
    condition     = alltrue([for k in keys(var.functions) : contains(["ingestion_api", "ingestion_lex", "ingestion_connect", "ingestion_mailroom", "etl_sync", "etl_queue", "routing"], k)])
    error_message = "functions keys must be function roles: ingestion_api, ingestion_lex, ingestion_connect, ingestion_mailroom, etl_sync, etl_queue, routing."
  }
}

variable "log_level" {
  description = "Log level of every function."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARN or ERROR."
  }
}

variable "scoring" {
  description = "Scoring budgets (contract variables): synchronous scoring call budget, endpoint read timeout per attempt, endpoint attempts."
  type = object({
    scoring_timeout_ms    = optional(number, 2500)
    endpoint_timeout_ms   = optional(number, 1500)
    endpoint_max_attempts = optional(number, 3)
  })
  default = {}

  validation {
    condition     = var.scoring.scoring_timeout_ms >= 100 && var.scoring.scoring_timeout_ms <= 25000 && var.scoring.endpoint_timeout_ms >= 50 && var.scoring.endpoint_timeout_ms < var.scoring.scoring_timeout_ms && var.scoring.endpoint_max_attempts >= 1 && var.scoring.endpoint_max_attempts <= 10
    error_message = "scoring: scoring_timeout_ms 100-25000, endpoint_timeout_ms 50 up to below the scoring budget, endpoint_max_attempts 1-10."
  }
}

variable "audit_grade_scale" {
  description = "Auditors' grade vocabulary: grade -> tier (low, medium, high). Default: the three tiers themselves; letter grades e.g. { A = \"low\", B = \"low\", C = \"medium\", D = \"medium\", E = \"high\", F = \"high\", G = \"high\" }."
  type        = map(string)
  default     = { low = "low", medium = "medium", high = "high" }

  validation {
    condition     = length(var.audit_grade_scale) > 0 && alltrue([for g, t in var.audit_grade_scale : can(regex("^[A-Za-z0-9+-]{1,16}$", g)) && contains(["low", "medium", "high"], t)])
    error_message = "audit_grade_scale: grades are 1-16 letters, digits, + or -; tiers are low, medium or high."
  }

  validation {
    condition     = alltrue([for t in ["low", "medium", "high"] : contains(values(var.audit_grade_scale), t)])
    error_message = "audit_grade_scale must map at least one grade to each of low, medium and high."
  }

  validation {
    condition     = length(distinct([for g in keys(var.audit_grade_scale) : lower(g)])) == length(var.audit_grade_scale)
    error_message = "audit_grade_scale grades must be distinct ignoring case."
  }
}

variable "lex_bot_alias_arn" {
  description = "Lex V2 bot alias allowed to invoke the Lex fulfillment function (null: any bot alias of this account and region)."
  type        = string
  default     = null

  validation {
    condition     = var.lex_bot_alias_arn == null || can(regex("^arn:aws[a-z-]*:lex:[a-z0-9-]+:[0-9]{12}:bot-alias/", var.lex_bot_alias_arn))
    error_message = "lex_bot_alias_arn must be a Lex V2 bot alias ARN."
  }
}

variable "connect_instance_arn" {
  description = "Amazon Connect instance allowed to invoke the Connect function (null: any instance of this account and region)."
  type        = string
  default     = null

  validation {
    condition     = var.connect_instance_arn == null || can(regex("^arn:aws[a-z-]*:connect:[a-z0-9-]+:[0-9]{12}:instance/", var.connect_instance_arn))
    error_message = "connect_instance_arn must be an Amazon Connect instance ARN."
  }
}

# ---------------------------------------------------------------- API

variable "api_channels" {
  description = "Per-channel throttle (requests/s, burst) and monthly quota of the API keys."
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
    condition     = toset(keys(var.api_channels)) == toset(["webform", "mobile", "chatbot", "phone", "mail"])
    error_message = "api_channels must define exactly the five channels: webform, mobile, chatbot, phone, mail."
  }
}

variable "waf_rate_limit" {
  description = "Requests per 5 minutes per IP before WAF blocks."
  type        = number
  default     = 2000
}

# ---------------------------------------------------------------- model and endpoint

variable "image_tag" {
  description = "Serving image tag in the project's ECR repository."
  type        = string
  default     = "bootstrap"
}

variable "model_version" {
  description = "Model version to serve; its artifact is s3://<lake>/models/<model_version>/model.tar.gz."
  type        = string
  default     = "bootstrap"

  validation {
    condition     = can(regex("^[A-Za-z0-9._:+-]{1,128}$", var.model_version))
    error_message = "model_version must be 1-128 letters, digits or . _ : + -."
  }
}

variable "endpoint_variant" {
  description = "Endpoint production variant (see modules/inference)."
  type = object({
    type                   = optional(string, "instance")
    name                   = optional(string, "primary")
    instance_type          = optional(string, "ml.c6i.large")
    initial_instance_count = optional(number, 1)
    memory_size_in_mb      = optional(number, 2048)
    max_concurrency        = optional(number, 20)
  })
  default = {}
}

variable "endpoint_autoscaling" {
  description = "Endpoint auto scaling (see modules/inference); enabled = false where application auto scaling is unavailable."
  type = object({
    enabled            = optional(bool, true)
    min_capacity       = optional(number, 1)
    max_capacity       = optional(number, 4)
    target_invocations = optional(number, 700)
    scale_in_cooldown  = optional(number, 300)
    scale_out_cooldown = optional(number, 60)
  })
  default = {}
}

variable "endpoint_deployment" {
  description = "Blue/green rollout of endpoint updates (see modules/inference)."
  type = object({
    traffic_routing    = optional(string, "CANARY")
    step_percent       = optional(number, 10)
    wait_seconds       = optional(number, 300)
    termination_wait   = optional(number, 600)
    max_execution_time = optional(number, 3600)
  })
  default = {}
}

variable "data_capture_sampling_percentage" {
  description = "Share of endpoint requests and responses captured to the lake."
  type        = number
  default     = 100

  validation {
    condition     = var.data_capture_sampling_percentage >= 0 && var.data_capture_sampling_percentage <= 100
    error_message = "data_capture_sampling_percentage must be 0-100."
  }
}

# ---------------------------------------------------------------- warehouse, network

variable "enable_warehouse" {
  description = "Create the Redshift Serverless warehouse (false: routing uses the duckdb backend, warehouse_workgroup_name is null)."
  type        = bool
  default     = true
}

variable "warehouse_capacity" {
  description = "Redshift Serverless base and max RPUs."
  type = object({
    base = optional(number, 8)
    max  = optional(number, 32)
  })
  default = {}
}

variable "warehouse_duckdb_path" {
  description = "DuckDB file used as warehouse when enable_warehouse is false."
  type        = string
  default     = "/tmp/riskline-warehouse.duckdb"
}

variable "vpc_cidr" {
  description = "CIDR of the VPC holding the warehouse and the endpoint."
  type        = string
  default     = "10.40.0.0/16"
}

variable "availability_zones" {
  description = "Availability zones of the private subnets (null: a, b and c of the region)."
  type        = list(string)
  default     = null
}

variable "interface_endpoints" {
  description = "Interface VPC endpoints created in the private subnets."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "logs", "sts", "secretsmanager"]
}

# ---------------------------------------------------------------- operations

variable "log_retention_days" {
  description = "Retention of function, API and endpoint logs."
  type        = number
  default     = 30
}

variable "audit_log_retention_days" {
  description = "Retention of audit logs (trail, WAF, flow logs)."
  type        = number
  default     = 365
}

variable "deletion_protection" {
  description = "Deletion protection of the tables."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Let destroy remove non-empty buckets, repositories and secrets at once (local and throw-away environments only)."
  type        = bool
  default     = false
}

variable "manage_account_singletons" {
  description = "Manage the region-wide settings (API Gateway logging role, Glue catalog encryption): true in exactly one stack per account and region."
  type        = bool
  default     = true
}

variable "enable_waf" {
  description = "WAF web ACL on the API stage."
  type        = bool
  default     = true
}

variable "generate_applicant_key" {
  description = "Generate the applicant HMAC key with Secrets Manager during apply; false leaves it to operators."
  type        = bool
  default     = true
}

variable "enable_saved_queries" {
  description = "Saved Logs Insights queries over the API access logs."
  type        = bool
  default     = true
}

variable "enable_cloudtrail" {
  description = "Data-event trail on the lake, the table and the endpoint."
  type        = bool
  default     = true
}

variable "alarm_emails" {
  description = "E-mail addresses notified by the alarms."
  type        = list(string)
  default     = []
}
