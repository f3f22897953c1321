output "function_name" {
  description = "The monitor function's name."
  value       = module.function.function_name
}

output "function_alias_arn" {
  description = "ARN of the monitor's live alias (what the schedule invokes)."
  value       = module.function.alias_arn
}

output "role_arn" {
  description = "The monitor function's execution role."
  value       = module.function.role_arn
}

output "schedule_arn" {
  description = "EventBridge Scheduler schedule ARN."
  value       = aws_scheduler_schedule.this.arn
}

output "drift_alarm_name" {
  description = "Alarm on the largest feature PSI."
  value       = aws_cloudwatch_metric_alarm.drift.alarm_name
}

output "namespace" {
  description = "CloudWatch namespace of the drift metrics."
  value       = var.namespace
}

output "report_prefix" {
  description = "Key prefix of the drift reports in the lake bucket."
  value       = var.report_prefix
}

output "function_policy_json" {
  description = "The monitor's own IAM policy (JSON), for review: what it may read, write and publish."
  value       = jsonencode(local.function_policy)
}
