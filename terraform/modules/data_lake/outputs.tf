output "bucket_name" {
  description = "Lake bucket name."
  value       = module.lake_bucket.bucket_id
}

output "bucket_arn" {
  description = "Lake bucket ARN."
  value       = module.lake_bucket.bucket_arn
}

output "lake_prefix" {
  description = "Prefix of the application records."
  value       = var.lake_prefix
}

output "mailroom_prefix" {
  description = "Mail-room upload prefix."
  value       = var.mailroom_prefix
}

output "data_capture_s3_uri" {
  description = "S3 URI where the endpoint captures requests and responses."
  value       = "s3://${module.lake_bucket.bucket_id}/${var.data_capture_prefix}"
}

output "data_capture_prefix" {
  description = "Prefix of endpoint data capture."
  value       = var.data_capture_prefix
}

output "model_prefix" {
  description = "Prefix of model artifacts."
  value       = var.model_prefix
}

output "access_log_bucket_name" {
  description = "Bucket receiving S3 server access logs (ready for delivery once its policy exists)."
  value       = module.access_log_bucket.bucket_id # known once its policy is in place (secure_bucket)
}

output "applicant_key_secret_arn" {
  description = "ARN of the applicant-key secret."
  value       = aws_secretsmanager_secret.applicant_key.arn
}

output "glue_database_name" {
  description = "Glue catalog database of the lake."
  value       = aws_glue_catalog_database.this.name
}

output "glue_table_name" {
  description = "Glue catalog table over the application records."
  value       = aws_glue_catalog_table.applications.name
}
