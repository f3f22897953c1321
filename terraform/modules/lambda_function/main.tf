locals {
  log_group_name = "/aws/lambda/${var.function_name}"

  environment = merge({ POWERTOOLS_LOG_LEVEL = var.log_level }, var.environment_variables)
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.function_name
  description        = "Execution role of ${var.function_name}"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

# What every function needs whatever its code does: its own log group, X-Ray segments, its
# dead-letter queue and the key of its environment variables.
data "aws_iam_policy_document" "runtime" {
  statement {
    sid       = "OwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  statement {
    sid = "XRayTracing"
    # X-Ray segment APIs have no resource-level permissions: AWS requires "*".
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  statement {
    sid       = "DeadLetterQueue"
    actions   = ["sqs:SendMessage"]
    resources = [var.dead_letter_queue_arn]
  }

  statement {
    sid       = "EnvironmentAndQueueKeys"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = distinct([var.kms_key_arn, var.dead_letter_queue_kms_key_arn])
  }
}

resource "aws_iam_role_policy" "runtime" {
  name   = "runtime"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.runtime.json
}

resource "aws_iam_role_policy" "function" {
  name   = "function"
  role   = aws_iam_role.this.id
  policy = var.policy_json
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:The functions call only regional AWS APIs (DynamoDB, SQS, SageMaker runtime, S3, Redshift Data API); a VPC would add NAT or endpoint cost and cold-start latency without isolating anything.
  #checkov:skip=CKV_AWS_272:Packages are built reproducibly by `make package` and pinned by source_code_hash; code signing needs a Signer profile per account, out of scope here.
  function_name                  = var.function_name
  description                    = var.description
  role                           = aws_iam_role.this.arn
  filename                       = var.filename
  source_code_hash               = filebase64sha256(var.filename)
  handler                        = var.handler
  runtime                        = var.runtime
  architectures                  = [var.architecture]
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrency
  kms_key_arn                    = var.kms_key_arn
  publish                        = true

  environment {
    variables = local.environment
  }

  tracing_config {
    mode = "Active"
  }

  dead_letter_config {
    target_arn = var.dead_letter_queue_arn
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.this.name
    application_log_level = var.log_level
    system_log_level      = "WARN"
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.runtime, aws_iam_role_policy.function]
}

resource "aws_lambda_alias" "live" {
  name             = var.alias_name
  description      = "What every invoker calls; moves with each published version."
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}

resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  qualifier                    = aws_lambda_alias.live.name
  maximum_retry_attempts       = var.async_maximum_retry_attempts
  maximum_event_age_in_seconds = 21600

  destination_config {
    on_failure {
      destination = var.dead_letter_queue_arn
    }
  }
}

resource "aws_lambda_permission" "this" {
  for_each = var.allowed_triggers

  statement_id   = each.key
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  qualifier      = aws_lambda_alias.live.name
  principal      = each.value.principal
  source_arn     = each.value.source_arn
  source_account = each.value.source_account
}
