# Scheduled warehouse loads: EventBridge Scheduler → the loader function (routing's zip, the shared
# function module) → one COPY/MERGE of the lake objects logged since the watermark → alarms on
# failed loads and on the lake → warehouse lag.

locals {
  redshift        = var.warehouse_workgroup_arn != null
  markers_prefix  = "${var.load_log_prefix}/markers"
  watermark_key   = "${var.load_log_prefix}/watermark.json"
  manifest_prefix = "${var.load_log_prefix}/manifests"

  schedule_expression = var.interval_minutes == 1 ? "rate(1 minute)" : "rate(${var.interval_minutes} minutes)"
  # A healthy run finds data at most one interval plus the settle delay old; one missed or failed
  # run doubles that. The alarm window holds two runs, so jitter never leaves it empty.
  lag_threshold_seconds = coalesce(var.lag_alarm_seconds, 2 * var.interval_minutes * 60 + var.settle_seconds)
  alarm_period          = 2 * var.interval_minutes * 60

  environment = merge(var.warehouse_environment, {
    POWERTOOLS_SERVICE_NAME      = var.service_name
    POWERTOOLS_METRICS_NAMESPACE = var.metrics_namespace
    LAKE_BUCKET                  = var.lake_bucket_name
    LAKE_PREFIX                  = var.lake_prefix
    LOAD_LOG_PREFIX              = var.load_log_prefix
    LOADER_SETTLE_SECONDS        = tostring(var.settle_seconds)
  })

  # Least privilege: list and read the markers, read and conditionally replace the watermark, write
  # the COPY manifests; read the lake rows only where the function loads them itself (DuckDB); the
  # Data API on the one workgroup where Redshift COPYs them (with its own load role).
  function_policy = {
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid       = "ListLoadLog"
          Effect    = "Allow"
          Action    = ["s3:ListBucket"]
          Resource  = [var.lake_bucket_arn]
          Condition = { StringLike = { "s3:prefix" = ["${var.load_log_prefix}/*"] } }
        },
        { Sid = "ReadMarkersAndWatermark", Effect = "Allow", Action = ["s3:GetObject"], Resource = ["${var.lake_bucket_arn}/${local.markers_prefix}/*", "${var.lake_bucket_arn}/${local.watermark_key}"] },
        { Sid = "WriteWatermarkAndManifests", Effect = "Allow", Action = ["s3:PutObject"], Resource = ["${var.lake_bucket_arn}/${local.watermark_key}", "${var.lake_bucket_arn}/${local.manifest_prefix}/*"] },
        { Sid = "LakeKey", Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = [var.lake_kms_key_arn] },
      ],
      [for st in [
        { Sid = "WarehouseStatements", Effect = "Allow", Action = ["redshift-data:BatchExecuteStatement"], Resource = [var.warehouse_workgroup_arn] },
        { Sid = "WarehouseCredentials", Effect = "Allow", Action = ["redshift-serverless:GetCredentials"], Resource = [var.warehouse_workgroup_arn] },
        # These Data API calls have no resource-level permissions: AWS requires "*"; the
        # condition limits them to statements this role ran.
        {
          Sid       = "OwnWarehouseStatementResults"
          Effect    = "Allow"
          Action    = ["redshift-data:DescribeStatement", "redshift-data:CancelStatement"]
          Resource  = ["*"]
          Condition = { StringEquals = { "redshift-data:statement-owner-iam-userid" = "$${aws:userid}" } }
        },
      ] : st if local.redshift],
      [for st in [
        { Sid = "ReadLakeRows", Effect = "Allow", Action = ["s3:GetObject"], Resource = ["${var.lake_bucket_arn}/${var.lake_prefix}/*"] },
      ] : st if !local.redshift],
    )
  }
}

module "function" {
  source = "../lambda_function"

  function_name = var.name
  description   = "Loads the lake objects logged since the watermark into the warehouse"
  filename      = var.filename
  handler       = var.handler
  memory_size   = var.memory_size
  timeout       = var.timeout
  # One run at a time; an overlap (a retry, a manual run) is still safe: the watermark write is conditional.
  reserved_concurrency = 1
  log_level            = var.log_level
  log_retention_days   = var.log_retention_days

  environment_variables = local.environment
  policy_json           = jsonencode(local.function_policy)

  kms_key_arn                   = var.kms_key_arn
  logs_kms_key_arn              = var.logs_kms_key_arn
  dead_letter_queue_arn         = var.dead_letter_queue_arn
  dead_letter_queue_kms_key_arn = var.dead_letter_queue_kms_key_arn
  async_maximum_retry_attempts  = 0 # the next run loads whatever this one could not

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
  name = "invoke-loader"
  role = aws_iam_role.scheduler.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "InvokeLoader", Effect = "Allow", Action = ["lambda:InvokeFunction"], Resource = [module.function.alias_arn] },
      { Sid = "DeadLetterQueue", Effect = "Allow", Action = ["sqs:SendMessage"], Resource = [var.dead_letter_queue_arn] },
      { Sid = "DeadLetterQueueKey", Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = distinct([var.dead_letter_queue_kms_key_arn, var.kms_key_arn]) },
    ]
  })
}

resource "aws_scheduler_schedule" "this" {
  name                         = var.name
  description                  = "Loads the lake's new objects into the warehouse every ${var.interval_minutes} min"
  schedule_expression          = local.schedule_expression
  schedule_expression_timezone = "UTC"
  kms_key_arn                  = var.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = module.function.alias_arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ source = "riskline.warehouse-loader" })

    retry_policy {
      # A delivery older than one interval is overtaken by the next run.
      maximum_event_age_in_seconds = max(60, var.interval_minutes * 60)
      maximum_retry_attempts       = 2
    }

    dead_letter_config {
      arn = var.dead_letter_queue_arn
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "failed_load" {
  alarm_name          = "${var.name}-failed-load"
  alarm_description   = "A scheduled warehouse load failed; its markers stay after the watermark and the next run retries them. See the ${var.name} logs; `make load-warehouse` runs one load by hand."
  namespace           = var.metrics_namespace
  metric_name         = "WarehouseLoadFailures"
  dimensions          = { service = var.service_name }
  statistic           = "Sum"
  period              = local.alarm_period
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "load_lag" {
  alarm_name          = "${var.name}-load-lag"
  alarm_description   = "The warehouse is more than ${local.lag_threshold_seconds} s behind the lake, or the loader has not reported (missing data breaches): check the schedule and the failed-load alarm."
  namespace           = var.metrics_namespace
  metric_name         = "WarehouseLoadLagSeconds"
  dimensions          = { service = var.service_name }
  statistic           = "Maximum"
  period              = local.alarm_period
  evaluation_periods  = 1
  threshold           = local.lag_threshold_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
