output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies."
  value       = aws_sns_topic.alarms.arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the whole flow."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "query_definition_names" {
  description = "Saved Logs Insights queries over the API access logs."
  value       = [for q in aws_cloudwatch_query_definition.this : q.name]
}

output "trail_arn" {
  description = "Data-access trail ARN (null when disabled)."
  value       = var.enable_cloudtrail ? aws_cloudtrail.this[0].arn : null
}

output "trail_bucket_name" {
  description = "Bucket of the trail's log files (null when disabled)."
  value       = var.enable_cloudtrail ? aws_s3_bucket.trail[0].id : null
}

output "routing_failure_alarm_names" {
  description = "Alarms on the routing failure queue: depth and age of its oldest message."
  value       = [aws_cloudwatch_metric_alarm.routing_failures.alarm_name, aws_cloudwatch_metric_alarm.routing_failures_age.alarm_name]
}

output "dlq_alarm_names" {
  description = "Map queue name -> its generic not-empty alarm (every dead-letter queue but the routing failure queue)."
  value       = { for q, a in aws_cloudwatch_metric_alarm.dlq_depth : q => a.alarm_name }
}
