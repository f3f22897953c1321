# The outputs every environment exposes (docs/CONTRACTS.md, "Terraform environment outputs").

output "api_url" {
  description = "REST API stage invoke URL."
  value       = module.riskline.api_url
}

output "api_keys" {
  description = "Map channel -> API key value (webform, mobile, chatbot, phone, mail)."
  value       = module.riskline.api_keys
  sensitive   = true
}

output "applications_table_name" {
  description = "DynamoDB applications table."
  value       = module.riskline.applications_table_name
}

output "applications_stream_arn" {
  description = "Stream of the applications table."
  value       = module.riskline.applications_stream_arn
}

output "idempotency_table_name" {
  description = "Powertools idempotency table."
  value       = module.riskline.idempotency_table_name
}

output "scoring_queue_url" {
  description = "Queue of ScoringRequest messages."
  value       = module.riskline.scoring_queue_url
}

output "scoring_dlq_url" {
  description = "Dead-letter queue of the scoring queue."
  value       = module.riskline.scoring_dlq_url
}

output "routing_failure_queue_url" {
  description = "On-failure destination of the stream consumer."
  value       = module.riskline.routing_failure_queue_url
}

output "lake_bucket_name" {
  description = "S3 data lake bucket."
  value       = module.riskline.lake_bucket_name
}

output "mailroom_prefix" {
  description = "Mail-room CSV upload prefix."
  value       = module.riskline.mailroom_prefix
}

output "applicant_key_secret_arn" {
  description = "Secret with the applicant-hash key."
  value       = module.riskline.applicant_key_secret_arn
}

output "endpoint_name" {
  description = "SageMaker inference-pipeline endpoint."
  value       = module.riskline.endpoint_name
}

output "function_names" {
  description = "Map role -> Lambda function name."
  value       = module.riskline.function_names
}

output "warehouse_workgroup_name" {
  description = "Redshift Serverless workgroup (null where the warehouse is disabled)."
  value       = module.riskline.warehouse_workgroup_name
}

output "ecr_repository_url" {
  description = "Repository of the serving image (push the image here before a model rollout)."
  value       = module.riskline.ecr_repository_url
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the whole flow."
  value       = module.riskline.dashboard_name
}

output "warehouse_loader" {
  description = "The scheduled warehouse loader: function_name, schedule_arn, interval_minutes, settle_seconds, load_log_prefix, failed_load_alarm, load_lag_alarm, lag_alarm_seconds (null in stream mode)."
  value       = module.riskline.warehouse_loader
}
