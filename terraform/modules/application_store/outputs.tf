output "table_name" {
  description = "Applications table name."
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "Applications table ARN."
  value       = aws_dynamodb_table.this.arn
}

output "stream_arn" {
  description = "Applications table stream ARN (NEW_AND_OLD_IMAGES)."
  value       = aws_dynamodb_table.this.stream_arn
}

output "status_index_arn" {
  description = "ARN of the status-index GSI."
  value       = "${aws_dynamodb_table.this.arn}/index/status-index"
}

output "review_queue_index_arn" {
  description = "ARN of the review-queue-index GSI (the auditors' workbench queue)."
  value       = "${aws_dynamodb_table.this.arn}/index/review-queue-index"
}

output "idempotency_table_name" {
  description = "Idempotency table name."
  value       = aws_dynamodb_table.idempotency.name
}

output "idempotency_table_arn" {
  description = "Idempotency table ARN."
  value       = aws_dynamodb_table.idempotency.arn
}
