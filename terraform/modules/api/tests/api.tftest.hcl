# The ingestion API: routes, auth per route, one key and usage plan per channel, WAF rules.

mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Service\":\"apigateway.amazonaws.com\"}}]}" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:mock" }
  }
  mock_resource "aws_wafv2_web_acl" {
    defaults = { arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/mock/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_api_gateway_stage" {
    defaults = { arn = "arn:aws:apigateway:eu-west-1::/restapis/mockapi/stages/v1" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

variables {
  name                = "riskline-dev-api"
  function_invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:riskline-dev-ingestion-api:live/invocations"
  logs_kms_key_arn    = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111"
}

run "routes_auth_and_channels" {
  command = apply

  assert {
    condition     = aws_api_gateway_method.this["audit"].authorization == "AWS_IAM" && !aws_api_gateway_method.this["audit"].api_key_required
    error_message = "Auditor decisions are signed with IAM."
  }

  assert {
    condition     = jsondecode(aws_api_gateway_model.this["Audit"].schema).required == ["outcome"] && !can(jsondecode(aws_api_gateway_model.this["Audit"].schema).properties.auditor_id)
    error_message = "The audit body names no auditor (the signing principal is the auditor) and may carry a grade."
  }

  assert {
    condition     = alltrue([for r in ["submit", "batch", "status"] : aws_api_gateway_method.this[r].api_key_required])
    error_message = "Channel routes require the channel's API key."
  }

  assert {
    condition     = alltrue([for r, m in aws_api_gateway_method.this : m.request_validator_id != null])
    error_message = "Every route validates its request."
  }

  assert {
    condition     = alltrue([for i in aws_api_gateway_integration.this : i.type == "AWS_PROXY" && i.uri == var.function_invoke_arn])
    error_message = "Every route proxies to the ingestion function's live alias."
  }

  assert {
    condition     = toset(keys(aws_api_gateway_api_key.this)) == toset(["webform", "mobile", "chatbot", "phone", "mail"]) && length(aws_api_gateway_usage_plan.this) == 5
    error_message = "One API key and usage plan per channel."
  }

  assert {
    condition     = aws_api_gateway_usage_plan.this["mail"].quota_settings[0].period == "MONTH" && aws_api_gateway_usage_plan.this["webform"].throttle_settings[0].rate_limit == 50
    error_message = "Usage plans carry each channel's throttle and monthly quota."
  }

  assert {
    condition     = toset([for r in aws_wafv2_web_acl.this[0].rule : r.name]) == toset(["rate-limit-per-ip", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAnonymousIpList", "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesSQLiRuleSet"])
    error_message = "WAF: managed rule sets and a per-IP rate limit."
  }

  assert {
    condition     = aws_api_gateway_stage.this.xray_tracing_enabled && aws_cloudwatch_log_group.access.kms_key_id == var.logs_kms_key_arn
    error_message = "Stage traced, access logs encrypted."
  }
}

run "unknown_channel_is_rejected" {
  command = plan

  variables {
    enable_waf = false # the rejection is the point; the web ACL is run 1's
    channels   = { fax = { rate_limit = 1, burst_limit = 1, monthly_quota = 10 } }
  }

  expect_failures = [var.channels]
}

run "burst_below_rate_is_rejected" {
  command = plan

  variables {
    enable_waf = false # the rejection is the point; the web ACL is run 1's
    channels   = { webform = { rate_limit = 10, burst_limit = 5, monthly_quota = 10 } }
  }

  expect_failures = [var.channels]
}
