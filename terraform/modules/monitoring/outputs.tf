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
