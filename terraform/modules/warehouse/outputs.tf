output "workgroup_name" {
  description = "Workgroup name (contract REDSHIFT_WORKGROUP)."
  value       = aws_redshiftserverless_workgroup.this.workgroup_name
}

output "workgroup_arn" {
  description = "Workgroup ARN (scopes the Data API grants)."
  value       = aws_redshiftserverless_workgroup.this.arn
}

output "namespace_name" {
  description = "Namespace name."
  value       = aws_redshiftserverless_namespace.this.namespace_name
}

output "database_name" {
  description = "Database name (contract REDSHIFT_DATABASE)."
  value       = aws_redshiftserverless_namespace.this.db_name
}

output "admin_password_secret_arn" {
  description = "Secrets Manager secret where Redshift keeps the admin password."
  value       = aws_redshiftserverless_namespace.this.admin_password_secret_arn
}

output "load_role_arn" {
  description = "Role the warehouse uses to COPY from the lake (the namespace default role)."
  value       = aws_iam_role.load.arn
}
