# The workbench routes: behind the Cognito authorizer, no API key, proxied to the same function.

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
  mock_resource "aws_api_gateway_rest_api" {
    defaults = { id = "mockapi123" }
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
  workbench           = { user_pool_arn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Abc123456" }
  # The WAF's rules are api.tftest.hcl's; planning its mocked web ACL costs ~30 s of CPU per file.
  enable_waf = false
}

run "workbench_routes_sit_behind_the_user_pool" {
  command = apply

  assert {
    condition     = toset(keys(aws_api_gateway_method.workbench)) == toset(["workbench_queue", "workbench_stats", "workbench_application", "workbench_decision"])
    error_message = "The four workbench routes exist."
  }

  assert {
    condition     = alltrue([for m in aws_api_gateway_method.workbench : m.authorization == "COGNITO_USER_POOLS" && m.authorizer_id == aws_api_gateway_authorizer.workbench[0].id && !m.api_key_required])
    error_message = "Every workbench route is authorised by the Cognito authorizer, never by an API key."
  }

  assert {
    condition     = aws_api_gateway_authorizer.workbench[0].type == "COGNITO_USER_POOLS" && aws_api_gateway_authorizer.workbench[0].provider_arns == toset([var.workbench.user_pool_arn]) && aws_api_gateway_authorizer.workbench[0].identity_source == "method.request.header.Authorization"
    error_message = "The authorizer accepts tokens of the auditors' user pool from the Authorization header."
  }

  assert {
    condition     = aws_api_gateway_method.workbench["workbench_decision"].http_method == "POST" && aws_api_gateway_resource.workbench_decision[0].path_part == "decision"
    error_message = "Decisions are POSTed to /workbench/applications/{id}/decision."
  }

  assert {
    condition     = alltrue([for i in aws_api_gateway_integration.workbench : i.type == "AWS_PROXY" && i.uri == var.function_invoke_arn])
    error_message = "The workbench routes proxy to the same function as every other route."
  }

  assert {
    condition     = output.domain_name == "mockapi123.execute-api.eu-west-1.amazonaws.com"
    error_message = "The API's host name is exposed for the CloudFront origin."
  }
}

run "without_a_user_pool_there_are_no_workbench_routes" {
  command = plan

  variables {
    workbench = null
  }

  assert {
    condition     = length(aws_api_gateway_method.workbench) == 0 && length(aws_api_gateway_authorizer.workbench) == 0
    error_message = "No workbench, no routes."
  }
}

run "a_user_pool_arn_must_be_one" {
  command = plan

  variables {
    workbench = { user_pool_arn = "arn:aws:iam::123456789012:role/not-a-pool" }
  }

  expect_failures = [var.workbench]
}
