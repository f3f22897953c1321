# The scheduled drift monitor: EventBridge Scheduler → the monitor function (its own zip, the shared
# function module) → metrics in its namespace, reports under its prefix → an alarm on drift.

locals {
  environment = {
    POWERTOOLS_SERVICE_NAME = "monitor"
    LAKE_BUCKET             = var.lake_bucket_name
    LAKE_PREFIX             = var.lake_prefix
    MODELS_PREFIX           = var.models_prefix
    REPORT_PREFIX           = var.report_prefix
    MODEL_VERSION           = var.model_version
    MONITOR_NAMESPACE       = var.namespace
    WINDOW_DAYS             = tostring(var.window_days)
    PSI_THRESHOLD           = tostring(var.psi_threshold)
  }

  # Least privilege: list and read the lake prefix, read the model artifacts, write only under the
  # report prefix, use the lake key, and put metrics only in the monitor's namespace.
  function_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "ListLakeAndModels"
        Effect    = "Allow"
        Action    = ["s3:ListBucket"]
        Resource  = [var.lake_bucket_arn]
        Condition = { StringLike = { "s3:prefix" = ["${var.lake_prefix}/*", "${var.models_prefix}/*"] } }
      },
      { Sid = "ReadLake", Effect = "Allow", Action = ["s3:GetObject"], Resource = ["${var.lake_bucket_arn}/${var.lake_prefix}/*"] },
      { Sid = "ReadServedModel", Effect = "Allow", Action = ["s3:GetObject"], Resource = ["${var.lake_bucket_arn}/${var.models_prefix}/*"] },
      { Sid = "WriteReports", Effect = "Allow", Action = ["s3:PutObject"], Resource = ["${var.lake_bucket_arn}/${var.report_prefix}/*"] },
      { Sid = "LakeKey", Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = [var.lake_kms_key_arn] },
      # PutMetricData has no resource-level permissions: AWS requires "*"; the condition pins the namespace.
      {
        Sid       = "DriftMetricsOnly"
        Effect    = "Allow"
        Action    = ["cloudwatch:PutMetricData"]
        Resource  = ["*"]
        Condition = { StringEquals = { "cloudwatch:namespace" = var.namespace } }
      },
    ]
  }
}

module "function" {
  source = "../lambda_function"

  function_name        = var.name
  description          = "Drift monitor: lake window vs the served model's training baseline"
  filename             = var.filename
  handler              = var.handler
  memory_size          = var.memory_size
  timeout              = var.timeout
  reserved_concurrency = 1
  log_level            = var.log_level
  log_retention_days   = var.log_retention_days

  environment_variables = local.environment
  policy_json           = jsonencode(local.function_policy)

  kms_key_arn                   = var.kms_key_arn
  logs_kms_key_arn              = var.logs_kms_key_arn
  dead_letter_queue_arn         = var.dead_letter_queue_arn
  dead_letter_queue_kms_key_arn = var.dead_letter_queue_kms_key_arn
  async_maximum_retry_attempts  = 0 # the schedule retries; a second layer would double runs

  tags = var.tags
}

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name               = "${var.name}-schedule"
  description        = "EventBridge Scheduler role invoking ${var.name}"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "scheduler" {
  name = "invoke-monitor"
  role = aws_iam_role.scheduler.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "InvokeMonitor", Effect = "Allow", Action = ["lambda:InvokeFunction"], Resource = [module.function.alias_arn] },
      { Sid = "DeadLetterQueue", Effect = "Allow", Action = ["sqs:SendMessage"], Resource = [var.dead_letter_queue_arn] },
      { Sid = "DeadLetterQueueKey", Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = distinct([var.dead_letter_queue_kms_key_arn, var.kms_key_arn]) },
    ]
  })
}

resource "aws_scheduler_schedule" "this" {
  name                         = var.name
  description                  = "Runs the drift monitor over the last ${var.window_days} days of the lake"
  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = "UTC"
  kms_key_arn                  = var.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = module.function.alias_arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ window_days = var.window_days })

    retry_policy {
      maximum_event_age_in_seconds = 3600
      maximum_retry_attempts       = 2
    }

    dead_letter_config {
      arn = var.dead_letter_queue_arn
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "drift" {
  alarm_name          = "${var.name}-feature-drift"
  alarm_description   = "A feature's PSI against the training baseline passed ${var.psi_threshold}: see the drift report under s3://${var.lake_bucket_name}/${var.report_prefix}/, then consider `make retrain` (the learning loop)."
  namespace           = var.namespace
  metric_name         = "MaxFeaturePSI"
  statistic           = "Maximum"
  period              = 86400
  evaluation_periods  = 1
  threshold           = var.psi_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "failed_run" {
  alarm_name          = "${var.name}-failed-run"
  alarm_description   = "The drift monitor failed: drift is not being watched until it runs again."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = module.function.function_name }
  statistic           = "Sum"
  period              = 86400
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  tags                = var.tags
}
