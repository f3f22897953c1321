output "user_pool_id" {
  description = "The auditors' Cognito user pool id."
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_arn" {
  description = "The user pool ARN (the API's Cognito authorizer provider)."
  value       = aws_cognito_user_pool.this.arn
}

output "client_id" {
  description = "The page's public app client id."
  value       = aws_cognito_user_pool_client.page.id
}

output "auditor_group" {
  description = "The group admitted to the workbench."
  value       = aws_cognito_user_group.auditors.name
}

output "sign_in_domain" {
  description = "The hosted sign-in's domain (https://<prefix>.auth.<region>.amazoncognito.com)."
  value       = "https://${local.cognito_domain}"
}

output "access_log_table_name" {
  description = "The append-only access log table."
  value       = aws_dynamodb_table.access_log.name
}

output "access_log_table_arn" {
  description = "The access log table ARN."
  value       = aws_dynamodb_table.access_log.arn
}

output "url" {
  description = "The workbench page (null without the site)."
  value       = var.site == null ? null : "https://${aws_cloudfront_distribution.site[0].domain_name}/"
}

output "site_bucket_name" {
  description = "The page's bucket (null without the site)."
  value       = var.site == null ? null : aws_s3_bucket.site[0].bucket
}
