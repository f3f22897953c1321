# The learning loop's watch: the scheduled drift monitor (modules/drift_monitor) over this stack's
# lake and served model, alarming to the stack's alarm topic.

variable "drift_monitor" {
  description = "Drift monitor: whether to deploy it, when it runs, the window it compares and the PSI that alarms."
  type = object({
    enabled             = optional(bool, true)
    schedule_expression = optional(string, "cron(0 6 * * ? *)")
    window_days         = optional(number, 7)
    psi_threshold       = optional(number, 0.2)
    namespace           = optional(string)
  })
  default = {}
}

locals {
  drift_monitor_name = "${local.p}-drift-monitor"
}

module "drift_monitor" {
  source = "../modules/drift_monitor"
  count  = var.drift_monitor.enabled ? 1 : 0

  name                = local.drift_monitor_name
  filename            = "${var.dist_dir}/monitor.zip"
  lake_bucket_name    = module.data_lake.bucket_name
  lake_bucket_arn     = module.data_lake.bucket_arn
  lake_prefix         = module.data_lake.lake_prefix
  models_prefix       = module.data_lake.model_prefix
  lake_kms_key_arn    = module.data_key.key_arn
  model_version       = var.model_version
  namespace           = coalesce(var.drift_monitor.namespace, "${var.project}/drift")
  schedule_expression = var.drift_monitor.schedule_expression
  window_days         = var.drift_monitor.window_days
  psi_threshold       = var.drift_monitor.psi_threshold
  alarm_actions       = [module.monitoring.alarm_topic_arn]
  account_id          = var.account_id

  kms_key_arn                   = module.data_key.key_arn
  logs_kms_key_arn              = module.logs_key.key_arn
  dead_letter_queue_arn         = module.messaging.function_dlq_arn
  dead_letter_queue_kms_key_arn = module.data_key.key_arn
  log_level                     = var.log_level
  log_retention_days            = var.log_retention_days

  tags = merge(local.tags, { Role = "drift_monitor" })
}

output "drift_monitor" {
  description = "The drift monitor's function, schedule, alarm, metric namespace and report prefix (null when disabled)."
  value = var.drift_monitor.enabled ? {
    function_name = module.drift_monitor[0].function_name
    schedule_arn  = module.drift_monitor[0].schedule_arn
    alarm_name    = module.drift_monitor[0].drift_alarm_name
    namespace     = module.drift_monitor[0].namespace
    report_prefix = module.drift_monitor[0].report_prefix
  } : null
}
