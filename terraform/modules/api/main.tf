locals {
  # Coarse shape checks at the edge; the ingestion function validates every field and answers
  # with the field names (docs/CONTRACTS.md).
  models = {
    Submission = {
      "$schema"     = "http://json-schema.org/draft-04/schema#"
      title         = "Submission"
      type          = "object"
      minProperties = 1
    }
    Batch = {
      "$schema"     = "http://json-schema.org/draft-04/schema#"
      title         = "Batch"
      type          = "object"
      minProperties = 1
    }
    # Coarse too: the function names every bad field — a body `auditor_id` (the auditor is the signing
    # principal), a grade outside the configured vocabulary, unknown fields — with a 422.
    Audit = {
      "$schema" = "http://json-schema.org/draft-04/schema#"
      title     = "AuditRequest"
      type      = "object"
      required  = ["outcome"]
      properties = {
        outcome = { type = "string", enum = ["accept", "reject"] }
        grade   = { type = ["string", "null"] }
      }
    }
  }

  # Routes of the ingestion API. Channels authenticate with their API key; auditors sign with
  # IAM (SigV4).
  routes = {
    submit = { resource = "applications", method = "POST", authorization = "NONE", api_key = true, model = "Submission", path_id = false }
    batch  = { resource = "batch", method = "POST", authorization = "NONE", api_key = true, model = "Batch", path_id = false }
    status = { resource = "application", method = "GET", authorization = "NONE", api_key = true, model = null, path_id = true }
    audit  = { resource = "audit", method = "PUT", authorization = "AWS_IAM", api_key = false, model = "Audit", path_id = true }
  }

  resource_ids = {
    applications = aws_api_gateway_resource.applications.id
    batch        = aws_api_gateway_resource.batch.id
    application  = aws_api_gateway_resource.application.id
    audit        = aws_api_gateway_resource.audit.id
  }
}

resource "aws_api_gateway_rest_api" "this" {
  name           = var.name
  description    = "riskline ingestion API: applications from every channel, status, auditor decisions"
  api_key_source = "HEADER"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_resource" "applications" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "applications"
}

resource "aws_api_gateway_resource" "batch" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.applications.id
  path_part   = "batch"
}

resource "aws_api_gateway_resource" "application" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.applications.id
  path_part   = "{id}"
}

resource "aws_api_gateway_resource" "audit" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.application.id
  path_part   = "audit"
}

resource "aws_api_gateway_model" "this" {
  for_each = local.models

  rest_api_id  = aws_api_gateway_rest_api.this.id
  name         = each.key
  content_type = "application/json"
  schema       = jsonencode(each.value)
}

resource "aws_api_gateway_request_validator" "this" {
  rest_api_id                 = aws_api_gateway_rest_api.this.id
  name                        = "body-and-parameters"
  validate_request_body       = true
  validate_request_parameters = true
}

resource "aws_api_gateway_method" "this" {
  for_each = local.routes

  rest_api_id          = aws_api_gateway_rest_api.this.id
  resource_id          = local.resource_ids[each.value.resource]
  http_method          = each.value.method
  authorization        = each.value.authorization
  api_key_required     = each.value.api_key
  operation_name       = each.key
  request_validator_id = aws_api_gateway_request_validator.this.id
  request_models       = each.value.model == null ? null : { "application/json" = aws_api_gateway_model.this[each.value.model].name }
  request_parameters   = each.value.path_id ? { "method.request.path.id" = true } : null
}

resource "aws_api_gateway_integration" "this" {
  for_each = local.routes

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = local.resource_ids[each.value.resource]
  http_method             = aws_api_gateway_method.this[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.function_invoke_arn
  timeout_milliseconds    = 29000
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  description = "riskline ingestion API"

  triggers = {
    redeployment = sha1(jsonencode([
      local.routes,
      local.models,
      var.function_invoke_arn,
      [for m in aws_api_gateway_method.this : m.id],
      [for i in aws_api_gateway_integration.this : i.id],
      local.workbench_redeployment,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_api_gateway_integration.this, aws_api_gateway_integration.workbench]
}

# ---------------------------------------------------------------- stage and logs

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_338:Retention is an environment setting (var.log_retention_days): prod keeps access logs 90 days, dev 14; long-term analytics live in the lake.
  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
  tags              = var.tags
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_120:Responses are per-application writes and statuses that must be fresh; a cache would serve stale decisions.
  #checkov:skip=CKV2_AWS_51:Callers authenticate with per-channel API keys (and SigV4 for auditors) behind WAF; the Lambda proxy backend needs no client certificate.
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.stage_name
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    # One JSON object per request; apiKeyId (never the key) identifies the channel.
    format = jsonencode({
      requestId          = "$context.requestId"
      extendedRequestId  = "$context.extendedRequestId"
      requestTime        = "$context.requestTime"
      httpMethod         = "$context.httpMethod"
      resourcePath       = "$context.resourcePath"
      status             = "$context.status"
      protocol           = "$context.protocol"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationStatus  = "$context.integration.status"
      integrationError   = "$context.integration.error"
      integrationLatency = "$context.integration.latency"
      apiKeyId           = "$context.identity.apiKeyId"
      sourceIp           = "$context.identity.sourceIp"
      userArn            = "$context.identity.userArn"
      wafStatus          = "$context.waf.status"
      errorMessage       = "$context.error.message"
      xrayTraceId        = "$context.xrayTraceId"
    })
  }

  tags = var.tags

  depends_on = [aws_api_gateway_account.this]
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:Responses are per-application writes and statuses that must be fresh; caching is deliberately off.
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    logging_level          = "ERROR"
    data_trace_enabled     = false
    caching_enabled        = false
    cache_data_encrypted   = true
    throttling_rate_limit  = var.stage_throttle.rate_limit
    throttling_burst_limit = var.stage_throttle.burst_limit
  }
}

# The region's API Gateway logging role (execution and access logs need it).
data "aws_iam_policy_document" "apigateway_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cloudwatch" {
  count = var.manage_account_logging_role ? 1 : 0

  name               = "${var.name}-apigateway-logs"
  assume_role_policy = data.aws_iam_policy_document.apigateway_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "cloudwatch" {
  statement {
    sid       = "WriteApiGatewayLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents", "logs:GetLogEvents", "logs:FilterLogEvents"]
    resources = ["arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:*"]
  }
}

resource "aws_iam_role_policy" "cloudwatch" {
  count = var.manage_account_logging_role ? 1 : 0

  name   = "apigateway-logs"
  role   = aws_iam_role.cloudwatch[0].id
  policy = data.aws_iam_policy_document.cloudwatch.json
}

resource "aws_api_gateway_account" "this" {
  count = var.manage_account_logging_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.cloudwatch[0].arn

  depends_on = [aws_iam_role_policy.cloudwatch]
}

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

# ---------------------------------------------------------------- channels: keys and usage plans

resource "aws_api_gateway_api_key" "this" {
  for_each = var.channels

  name        = "${var.name}-${each.key}"
  description = "API key of the ${each.key} channel"
  enabled     = true
  tags        = merge(var.tags, { Channel = each.key })
}

resource "aws_api_gateway_usage_plan" "this" {
  for_each = var.channels

  name        = "${var.name}-${each.key}"
  description = "Throttle and quota of the ${each.key} channel"

  api_stages {
    api_id = aws_api_gateway_rest_api.this.id
    stage  = aws_api_gateway_stage.this.stage_name
  }

  throttle_settings {
    rate_limit  = each.value.rate_limit
    burst_limit = each.value.burst_limit
  }

  quota_settings {
    limit  = each.value.monthly_quota
    period = "MONTH"
  }

  tags = merge(var.tags, { Channel = each.key })
}

resource "aws_api_gateway_usage_plan_key" "this" {
  for_each = var.channels

  key_id        = aws_api_gateway_api_key.this[each.key].id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.this[each.key].id
}
