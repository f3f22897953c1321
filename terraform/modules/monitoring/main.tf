data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  topic     = [aws_sns_topic.alarms.arn]
}

# ---------------------------------------------------------------- alarm topic

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "alarms" {
  statement {
    sid       = "AccountManagesTopic"
    actions   = ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:ListSubscriptionsByTopic"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${var.account_id}:root"]
    }
  }

  statement {
    sid       = "AlarmsAndTrailPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

# ---------------------------------------------------------------- alarms: lost work and lag

resource "aws_cloudwatch_metric_alarm" "dlq_depth" {
  # The routing failure queue has its own alarms below (with the redrive to run).
  for_each = toset([for q in var.dead_letter_queue_names : q if q != var.routing_failure_queue.name])

  alarm_name          = "${each.value}-not-empty"
  alarm_description   = "Messages in ${each.value}: work waiting for an operator (inspect, fix, redrive)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.topic
  ok_actions          = local.topic
  tags                = var.tags
}

# Stream batches that exhausted their retries: their lake and warehouse rows are missing until
# `make redrive-routing FROM_QUEUE=1` rebuilds them from the applications table.
resource "aws_cloudwatch_metric_alarm" "routing_failures" {
  alarm_name          = "${var.routing_failure_queue.name}-depth"
  alarm_description   = "Stream batches the routing function gave up on are waiting in ${var.routing_failure_queue.name}: lake and warehouse rows are missing. Fix the cause, then run `make redrive-routing FROM_QUEUE=1` (python -m riskline_routing.redrive --from-queue)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = var.routing_failure_queue.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.routing_failure_queue.max_depth
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.topic
  ok_actions          = local.topic
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "routing_failures_age" {
  alarm_name          = "${var.routing_failure_queue.name}-oldest"
  alarm_description   = "A failed stream batch has waited in ${var.routing_failure_queue.name} for over ${var.routing_failure_queue.max_age_hours} h: redrive it (make redrive-routing FROM_QUEUE=1) before the queue's retention drops the message (the applications table still holds the data; redrive by time range then)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = var.routing_failure_queue.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.routing_failure_queue.max_age_hours * 3600
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.topic
  ok_actions          = local.topic
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "stream_iterator_age" {
  alarm_name          = "${var.function_names["routing"]}-iterator-age"
  alarm_description   = "The routing function lags the applications stream (lake and warehouse behind)."
  namespace           = "AWS/Lambda"
  metric_name         = "IteratorAge"
  dimensions          = { FunctionName = var.function_names["routing"] }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = var.iterator_age_threshold_ms
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.topic
  ok_actions          = local.topic
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "function_errors" {
  for_each = var.function_names

  alarm_name          = "${each.value}-errors"
  alarm_description   = "Invocation errors of ${each.value}."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 5
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.topic
  ok_actions          = local.topic
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "${var.api.name}-5xx"
  alarm_description   = "The API answered 5xx."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5XXError"
  dimensions          = { ApiName = var.api.name, Stage = var.api.stage_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = 5
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.topic
  ok_actions          = local.topic
  tags                = var.tags
}

# ---------------------------------------------------------------- Logs Insights queries

locals {
  # Access logs carry apiKeyId; turn it into the channel name inside the query.
  channel_expr = "${join("", [for c in keys(var.api.api_key_ids) : "replace("])}apiKeyId${join("", [for c, id in var.api.api_key_ids : ", \"${id}\", \"${c}\")"])}"

  queries = {
    "traffic-by-channel" = <<-EOT
      fields ${local.channel_expr} as channel
      | stats count(*) as requests, avg(responseLatency) as avg_ms, pct(responseLatency, 99) as p99_ms by channel, bin(5m)
    EOT
    "errors-by-channel"  = <<-EOT
      fields ${local.channel_expr} as channel, status, resourcePath, errorMessage, integrationError
      | filter status >= 400
      | stats count(*) as errors by channel, status, resourcePath
      | sort errors desc
    EOT
    "slowest-requests"   = <<-EOT
      fields requestTime, ${local.channel_expr} as channel, httpMethod, resourcePath, status, responseLatency, integrationLatency, xrayTraceId
      | sort responseLatency desc
      | limit 50
    EOT
  }
}

resource "aws_cloudwatch_query_definition" "this" {
  for_each = var.enable_saved_queries ? local.queries : {}

  name            = "${var.name}/api/${each.key}"
  log_group_names = [var.api.access_log_group_name]
  query_string    = trimspace(each.value)
}

# ---------------------------------------------------------------- dashboard of the flow

locals {
  fn = var.function_names

  widgets = [
    { title = "API requests, 4xx, 5xx", metrics = [
      ["AWS/ApiGateway", "Count", "ApiName", var.api.name, "Stage", var.api.stage_name, { stat = "Sum" }],
      [".", "4XXError", ".", ".", ".", ".", { stat = "Sum" }],
      [".", "5XXError", ".", ".", ".", ".", { stat = "Sum" }],
    ] },
    { title = "API latency (p50, p99)", metrics = [
      ["AWS/ApiGateway", "Latency", "ApiName", var.api.name, "Stage", var.api.stage_name, { stat = "p50" }],
      ["...", { stat = "p99" }],
    ] },
    { title = "Function invocations", metrics = [for r, n in local.fn : ["AWS/Lambda", "Invocations", "FunctionName", n, { stat = "Sum", label = r }]] },
    { title = "Function errors", metrics = [for r, n in local.fn : ["AWS/Lambda", "Errors", "FunctionName", n, { stat = "Sum", label = r }]] },
    { title = "Function duration p99", metrics = [for r, n in local.fn : ["AWS/Lambda", "Duration", "FunctionName", n, { stat = "p99", label = r }]] },
    { title = "Endpoint invocations and errors", metrics = [
      ["AWS/SageMaker", "Invocations", "EndpointName", var.endpoint.name, "VariantName", var.endpoint.variant_name, { stat = "Sum" }],
      [".", "Invocation4XXErrors", ".", ".", ".", ".", { stat = "Sum" }],
      [".", "Invocation5XXErrors", ".", ".", ".", ".", { stat = "Sum" }],
      [".", "InvocationModelErrors", ".", ".", ".", ".", { stat = "Sum" }],
    ] },
    { title = "Endpoint model latency (us)", metrics = [
      ["AWS/SageMaker", "ModelLatency", "EndpointName", var.endpoint.name, "VariantName", var.endpoint.variant_name, { stat = "p50" }],
      ["...", { stat = "p99" }],
    ] },
    { title = "Stream lag: routing iterator age (ms)", metrics = [
      ["AWS/Lambda", "IteratorAge", "FunctionName", local.fn["routing"], { stat = "Maximum" }],
    ] },
    { title = "Scoring queue depth and age", metrics = [
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.scoring_queue_name, { stat = "Maximum" }],
      [".", "ApproximateAgeOfOldestMessage", ".", ".", { stat = "Maximum" }],
    ] },
    { title = "Dead-letter queue depth", metrics = [for q in var.dead_letter_queue_names : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q, { stat = "Maximum" }]] },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [for i, w in local.widgets : {
      type   = "metric"
      x      = (i % 2) * 12
      y      = floor(i / 2) * 6
      width  = 12
      height = 6
      properties = {
        title   = w.title
        region  = var.region
        view    = "timeSeries"
        stacked = false
        period  = 60
        metrics = w.metrics
      }
    }]
  })
}
