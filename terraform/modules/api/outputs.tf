output "rest_api_id" {
  description = "REST API id."
  value       = aws_api_gateway_rest_api.this.id
}

output "execution_arn" {
  description = "Execution ARN (scopes the Lambda invoke permission)."
  value       = aws_api_gateway_rest_api.this.execution_arn
}

output "stage_name" {
  description = "Stage name."
  value       = aws_api_gateway_stage.this.stage_name
}

output "stage_arn" {
  description = "Stage ARN."
  value       = aws_api_gateway_stage.this.arn
}

output "invoke_url" {
  description = "Stage invoke URL (the API base URL)."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "api_key_ids" {
  description = "Map channel -> API key id (logged as apiKeyId in the access logs)."
  value       = { for c, k in aws_api_gateway_api_key.this : c => k.id }
}

output "api_key_values" {
  description = "Map channel -> API key value."
  value       = { for c, k in aws_api_gateway_api_key.this : c => k.value }
  sensitive   = true
}

output "access_log_group_name" {
  description = "Access-log group (JSON, one line per request)."
  value       = aws_cloudwatch_log_group.access.name
}

output "web_acl_arn" {
  description = "WAF web ACL ARN (null when disabled)."
  value       = var.enable_waf ? aws_wafv2_web_acl.this[0].arn : null
}

output "routes" {
  description = "Routes: name -> \"METHOD /path\"."
  value = {
    submit = "POST /applications"
    batch  = "POST /applications/batch"
    status = "GET /applications/{id}"
    audit  = "PUT /applications/{id}/audit"
  }
}
