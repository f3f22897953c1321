# The four queues do not reference each other, so they are created in parallel; the redrive
# wiring is a separate resource.

resource "aws_sqs_queue" "this" {
  name                              = var.queue_names.scoring
  visibility_timeout_seconds        = var.scoring_visibility_timeout_seconds
  message_retention_seconds         = 345600
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = var.tags
}

resource "aws_sqs_queue" "scoring_dlq" {
  name                              = var.queue_names.scoring_dlq
  message_retention_seconds         = var.dlq_retention_seconds
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = var.tags
}

resource "aws_sqs_queue" "routing_failure" {
  name                              = var.queue_names.routing_failure
  message_retention_seconds         = var.dlq_retention_seconds
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = var.tags
}

resource "aws_sqs_queue" "function_dlq" {
  name                              = var.queue_names.function_dlq
  message_retention_seconds         = var.dlq_retention_seconds
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = var.tags
}

resource "aws_sqs_queue_redrive_policy" "scoring" {
  queue_url = aws_sqs_queue.this.id
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.scoring_dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
}

resource "aws_lambda_event_source_mapping" "scoring_queue" {
  count = var.event_source_mappings ? 1 : 0

  event_source_arn                   = aws_sqs_queue.this.arn
  function_name                      = var.etl_queue_function_arn
  batch_size                         = var.sqs_consumer.batch_size
  maximum_batching_window_in_seconds = var.sqs_consumer.maximum_batching_window_in_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.sqs_consumer.maximum_concurrency
  }
}

resource "aws_lambda_event_source_mapping" "stream" {
  count = var.event_source_mappings ? 1 : 0

  event_source_arn                   = var.stream_arn
  function_name                      = var.routing_function_arn
  starting_position                  = "TRIM_HORIZON"
  batch_size                         = var.stream_consumer.batch_size
  maximum_batching_window_in_seconds = var.stream_consumer.maximum_batching_window_in_seconds
  maximum_retry_attempts             = var.stream_consumer.maximum_retry_attempts
  maximum_record_age_in_seconds      = var.stream_consumer.maximum_record_age_in_seconds
  parallelization_factor             = var.stream_consumer.parallelization_factor
  bisect_batch_on_function_error     = true
  function_response_types            = ["ReportBatchItemFailures"]

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.routing_failure.arn
    }
  }
}
