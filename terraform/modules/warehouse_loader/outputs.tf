output "function_name" {
  description = "The loader function's name."
  value       = module.function.function_name
}

output "function_alias_arn" {
  description = "ARN of the loader's live alias (what the schedule invokes)."
  value       = module.function.alias_arn
}

output "role_arn" {
  description = "The loader function's execution role."
  value       = module.function.role_arn
}

output "schedule_arn" {
  description = "EventBridge Scheduler schedule ARN."
  value       = aws_scheduler_schedule.this.arn
}

output "schedule_expression" {
  description = "The schedule's rate expression."
  value       = aws_scheduler_schedule.this.schedule_expression
}

output "failed_load_alarm_name" {
  description = "Alarm on a failed load."
  value       = aws_cloudwatch_metric_alarm.failed_load.alarm_name
}

output "load_lag_alarm_name" {
  description = "Alarm on the lake → warehouse lag (or a loader that stopped reporting)."
  value       = aws_cloudwatch_metric_alarm.load_lag.alarm_name
}

output "lag_alarm_seconds" {
  description = "The lag, in seconds, above which the lag alarm fires."
  value       = local.lag_threshold_seconds
}

output "markers_prefix" {
  description = "Key prefix of the load-log markers the stream handler writes (it needs s3:PutObject there)."
  value       = local.markers_prefix
}

output "manifest_prefix" {
  description = "Key prefix of the COPY manifests (the warehouse's load role needs s3:GetObject there)."
  value       = local.manifest_prefix
}

output "function_policy_json" {
  description = "The loader's own IAM policy (JSON), for review."
  value       = jsonencode(local.function_policy)
}
