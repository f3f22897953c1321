output "endpoint_name" {
  description = "Name of the inference-pipeline endpoint (contract SAGEMAKER_ENDPOINT_NAME)."
  value       = aws_sagemaker_endpoint.this.name
}

output "endpoint_arn" {
  description = "ARN of the endpoint (scopes sagemaker:InvokeEndpoint)."
  value       = aws_sagemaker_endpoint.this.arn
}

output "endpoint_config_name" {
  description = "Current endpoint configuration."
  value       = aws_sagemaker_endpoint_configuration.this.name
}

output "model_name" {
  description = "Current two-container model."
  value       = aws_sagemaker_model.this.name
}

output "repository_url" {
  description = "ECR repository URL of the serving image."
  value       = aws_ecr_repository.this.repository_url
}

output "repository_arn" {
  description = "ECR repository ARN."
  value       = aws_ecr_repository.this.arn
}

output "execution_role_arn" {
  description = "SageMaker execution role ARN."
  value       = aws_iam_role.this.arn
}

output "variant_name" {
  description = "Production variant name."
  value       = local.variant_name
}

output "alarm_names" {
  description = "Endpoint alarm names (the rollback set is a subset)."
  value       = [for a in aws_cloudwatch_metric_alarm.this : a.alarm_name]
}

output "rollback_alarm_names" {
  description = "Alarms that roll a deployment back."
  value       = local.rollback_alarm_names
}
