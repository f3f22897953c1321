output "bucket_id" {
  description = "Bucket name, once its policy and public access block are in place (so a log source can point at it)."
  value       = aws_s3_bucket.this.id

  depends_on = [aws_s3_bucket_policy.this, aws_s3_bucket_public_access_block.this]
}

output "bucket_arn" {
  description = "Bucket ARN."
  value       = aws_s3_bucket.this.arn
}
