output "function_name" {
  description = "Function name."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "Unqualified function ARN."
  value       = aws_lambda_function.this.arn
}

output "function_version" {
  description = "Latest published version (the live alias points at it)."
  value       = aws_lambda_function.this.version
}

output "alias_arn" {
  description = "ARN of the live alias: what invokers, event source mappings and notifications use. Available once the invoke permissions exist."
  value       = aws_lambda_alias.live.arn
  depends_on  = [aws_lambda_permission.this]
}

output "alias_invoke_arn" {
  description = "Invoke ARN of the live alias (API Gateway integrations)."
  value       = aws_lambda_alias.live.invoke_arn
}

output "role_arn" {
  description = "Execution role ARN."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Execution role name."
  value       = aws_iam_role.this.name
}

output "log_group_name" {
  description = "CloudWatch log group of the function."
  value       = aws_cloudwatch_log_group.this.name
}
