# How the warehouse is loaded (modules/warehouse_loader): "scheduled" (the default) has the stream
# handler log each batch's lake objects and a scheduled loader COPY/MERGE them every
# interval_minutes; "stream" upserts per stream batch (every batch keeps Redshift Serverless
# awake for its 60 s minimum: see the cost section of terraform/README.md).

variable "warehouse_load" {
  description = "Warehouse loading: mode (scheduled | stream), minutes between scheduled loads, the settle delay, the load-log prefix and the lag that alarms (null: one missed run)."
  type = object({
    mode              = optional(string, "scheduled")
    interval_minutes  = optional(number, 15)
    settle_seconds    = optional(number, 120)
    load_log_prefix   = optional(string, "load-log")
    lag_alarm_seconds = optional(number)
  })
  default = {}

  validation {
    condition     = contains(["scheduled", "stream"], var.warehouse_load.mode)
    error_message = "warehouse_load.mode must be scheduled or stream."
  }
}

locals {
  warehouse_scheduled   = var.warehouse_load.mode == "scheduled"
  load_log_prefix       = var.warehouse_load.load_log_prefix
  warehouse_loader_name = "${local.p}-warehouse-loader"

  # What the routing function and the loader both read to reach the warehouse.
  warehouse_environment = var.enable_warehouse ? {
    WAREHOUSE_BACKEND      = "redshift"
    REDSHIFT_WORKGROUP     = module.warehouse[0].workgroup_name
    REDSHIFT_DATABASE      = module.warehouse[0].database_name
    REDSHIFT_COPY_ROLE_ARN = module.warehouse[0].load_role_arn
    } : {
    WAREHOUSE_BACKEND     = "duckdb"
    WAREHOUSE_DUCKDB_PATH = var.warehouse_duckdb_path
  }

  routing_load_environment = {
    WAREHOUSE_LOAD_MODE = var.warehouse_load.mode
    LOAD_LOG_PREFIX     = local.load_log_prefix
  }

  # In scheduled mode the stream handler writes one marker per batch under the load log.
  routing_load_log_statements = local.warehouse_scheduled ? [
    { Sid = "WriteLoadLogMarkers", Effect = "Allow", Action = ["s3:PutObject"], Resource = ["${module.data_lake.bucket_arn}/${local.load_log_prefix}/markers/*"] },
  ] : []
}

module "warehouse_loader" {
  source = "../modules/warehouse_loader"
  count  = local.warehouse_scheduled ? 1 : 0

  name                    = local.warehouse_loader_name
  filename                = "${var.dist_dir}/routing.zip"
  lake_bucket_name        = module.data_lake.bucket_name
  lake_bucket_arn         = module.data_lake.bucket_arn
  lake_prefix             = module.data_lake.lake_prefix
  load_log_prefix         = local.load_log_prefix
  lake_kms_key_arn        = module.data_key.key_arn
  interval_minutes        = var.warehouse_load.interval_minutes
  settle_seconds          = var.warehouse_load.settle_seconds
  lag_alarm_seconds       = var.warehouse_load.lag_alarm_seconds
  warehouse_environment   = local.warehouse_environment
  warehouse_workgroup_arn = var.enable_warehouse ? module.warehouse[0].workgroup_arn : null
  metrics_namespace       = var.project
  alarm_actions           = [module.monitoring.alarm_topic_arn]
  account_id              = var.account_id

  kms_key_arn                   = module.data_key.key_arn
  logs_kms_key_arn              = module.logs_key.key_arn
  dead_letter_queue_arn         = module.messaging.function_dlq_arn
  dead_letter_queue_kms_key_arn = module.data_key.key_arn
  log_level                     = var.log_level
  log_retention_days            = var.log_retention_days

  tags = merge(local.tags, { Role = "warehouse_loader" })
}

output "warehouse_loader" {
  description = "The scheduled warehouse loader: function, schedule, interval, settle delay, load-log prefix, alarms and the lag that alarms (null in stream mode)."
  value = local.warehouse_scheduled ? {
    function_name     = module.warehouse_loader[0].function_name
    schedule_arn      = module.warehouse_loader[0].schedule_arn
    interval_minutes  = var.warehouse_load.interval_minutes
    settle_seconds    = var.warehouse_load.settle_seconds
    load_log_prefix   = local.load_log_prefix
    failed_load_alarm = module.warehouse_loader[0].failed_load_alarm_name
    load_lag_alarm    = module.warehouse_loader[0].load_lag_alarm_name
    lag_alarm_seconds = module.warehouse_loader[0].lag_alarm_seconds
  } : null
}
