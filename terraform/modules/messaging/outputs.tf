output "queue_url" {
  description = "Scoring queue URL."
  value       = aws_sqs_queue.this.url
}

output "queue_arn" {
  description = "Scoring queue ARN."
  value       = aws_sqs_queue.this.arn
}

output "queue_name" {
  description = "Scoring queue name."
  value       = aws_sqs_queue.this.name
}

output "dlq_url" {
  description = "Scoring dead-letter queue URL."
  value       = aws_sqs_queue.scoring_dlq.url
}

output "dlq_arn" {
  description = "Scoring dead-letter queue ARN."
  value       = aws_sqs_queue.scoring_dlq.arn
}

output "routing_failure_queue_url" {
  description = "URL of the stream consumer's on-failure destination."
  value       = aws_sqs_queue.routing_failure.url
}

output "routing_failure_queue_arn" {
  description = "ARN of the stream consumer's on-failure destination."
  value       = aws_sqs_queue.routing_failure.arn
}

output "function_dlq_arn" {
  description = "ARN of the queue receiving failed asynchronous invocations."
  value       = aws_sqs_queue.function_dlq.arn
}

output "function_dlq_url" {
  description = "URL of the queue receiving failed asynchronous invocations."
  value       = aws_sqs_queue.function_dlq.url
}

output "dead_letter_queue_names" {
  description = "Names of every queue whose depth means lost work (alarmed on)."
  value       = [aws_sqs_queue.scoring_dlq.name, aws_sqs_queue.routing_failure.name, aws_sqs_queue.function_dlq.name]
}
