# The reusable function module: alias, tracing, DLQ, encryption, permissions, validation.

mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/riskline-dev-etl-sync" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/riskline-dev-etl-sync" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"}}]}" }
  }
}

variables {
  function_name                 = "riskline-dev-etl-sync"
  filename                      = "../../tests/fixtures/packages/etl.zip"
  handler                       = "riskline_etl.sync.handler"
  kms_key_arn                   = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  logs_kms_key_arn              = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111"
  dead_letter_queue_arn         = "arn:aws:sqs:eu-west-1:123456789012:riskline-dev-functions-dlq"
  dead_letter_queue_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  policy_json                   = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"sagemaker:InvokeEndpoint\"],\"Resource\":[\"arn:aws:sagemaker:eu-west-1:123456789012:endpoint/riskline-dev-endpoint\"]}]}"
  environment_variables         = { POWERTOOLS_SERVICE_NAME = "etl" }
  allowed_triggers = {
    AllowApiGateway = { principal = "apigateway.amazonaws.com", source_arn = "arn:aws:execute-api:eu-west-1:123456789012:abc/*" }
  }
}

run "function_is_traced_encrypted_and_published_behind_live" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.runtime == "python3.11" && aws_lambda_function.this.architectures[0] == "x86_64" && aws_lambda_function.this.publish
    error_message = "python3.11 on x86_64, published."
  }

  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "Active" && aws_lambda_function.this.kms_key_arn == var.kms_key_arn
    error_message = "X-Ray active and environment encrypted with the given key."
  }

  assert {
    condition     = aws_lambda_function.this.dead_letter_config[0].target_arn == var.dead_letter_queue_arn && aws_lambda_function_event_invoke_config.this.destination_config[0].on_failure[0].destination == var.dead_letter_queue_arn
    error_message = "Failed asynchronous invocations must reach the DLQ."
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256(var.filename)
    error_message = "The package hash must drive updates."
  }

  assert {
    condition     = aws_lambda_alias.live.name == "live" && aws_lambda_permission.this["AllowApiGateway"].qualifier == "live"
    error_message = "Invokers are granted the live alias only."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["POWERTOOLS_LOG_LEVEL"] == "INFO" && aws_lambda_function.this.environment[0].variables["POWERTOOLS_SERVICE_NAME"] == "etl"
    error_message = "Environment carries the contract variables."
  }

  assert {
    condition     = aws_iam_role_policy.function.policy == var.policy_json && aws_cloudwatch_log_group.this.name == "/aws/lambda/riskline-dev-etl-sync"
    error_message = "The passed-in policy is attached as is; the log group follows the Lambda convention."
  }
}

# Every input validation in one plan, each fed its own bad value: each listed check must fail
# (a validation that stopped firing fails this run as a missing expected failure).
run "each_invalid_input_is_refused_by_its_own_validation" {
  command = plan

  variables {
    # bad handler is rejected
    handler = "riskline etl sync"
    # package must be a zip
    filename = "../../tests/fixtures/packages/etl.tar.gz"
    # policy must be a policy document
    policy_json = "{\"not\":\"a policy\"}"
    # unscoped trigger is rejected
    allowed_triggers = { Anyone = { principal = "s3.amazonaws.com" } }
  }

  expect_failures = [var.handler, var.filename, var.policy_json, var.allowed_triggers]
}
