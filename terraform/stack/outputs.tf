# The environment outputs of docs/CONTRACTS.md; each environment root re-exports them.

output "api_url" {
  description = "REST API stage invoke URL."
  value       = module.api.invoke_url
}

output "api_keys" {
  description = "Map channel -> API key value."
  value       = module.api.api_key_values
  sensitive   = true
}

output "api_key_ids" {
  description = "Map channel -> API key id (as logged in the access logs)."
  value       = module.api.api_key_ids
}

output "applications_table_name" {
  description = "DynamoDB applications table."
  value       = module.application_store.table_name
}

output "applications_stream_arn" {
  description = "Stream of the applications table."
  value       = module.application_store.stream_arn
}

output "idempotency_table_name" {
  description = "Powertools idempotency table."
  value       = module.application_store.idempotency_table_name
}

output "scoring_queue_url" {
  description = "Queue of ScoringRequest messages."
  value       = module.messaging.queue_url
}

output "scoring_dlq_url" {
  description = "Dead-letter queue of the scoring queue."
  value       = module.messaging.dlq_url
}

output "routing_failure_queue_url" {
  description = "On-failure destination of the stream consumer."
  value       = module.messaging.routing_failure_queue_url
}

output "lake_bucket_name" {
  description = "S3 data lake bucket."
  value       = module.data_lake.bucket_name
}

output "mailroom_prefix" {
  description = "Mail-room CSV upload prefix."
  value       = module.data_lake.mailroom_prefix
}

output "applicant_key_secret_arn" {
  description = "Secret with the applicant-hash key."
  value       = module.data_lake.applicant_key_secret_arn
}

output "endpoint_name" {
  description = "SageMaker inference-pipeline endpoint."
  value       = module.inference.endpoint_name
}

output "function_names" {
  description = "Map role -> Lambda function name."
  value       = { for role, f in module.functions : role => f.function_name }
}

output "warehouse_workgroup_name" {
  description = "Redshift Serverless workgroup (null where the warehouse is disabled)."
  value       = var.enable_warehouse ? module.warehouse[0].workgroup_name : null
}

output "ecr_repository_url" {
  description = "Repository of the serving image."
  value       = module.inference.repository_url
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the flow."
  value       = module.monitoring.dashboard_name
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms."
  value       = module.monitoring.alarm_topic_arn
}
