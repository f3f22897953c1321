# Behaviour of the whole composition with a mocked provider: names, wiring, contract
# environment variables and least-privilege policies.

mock_provider "aws" {
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-1:123456789012:mock-queue", url = "https://sqs.eu-west-1.amazonaws.com/123456789012/mock-queue" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/mock", stream_arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/mock/stream/2026-01-01T00:00:00.000" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::mock-bucket" }
  }
  mock_resource "aws_lambda_alias" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:mock:live", invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:mock:live/invocations" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:mock" }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mock-AbCdEf" }
  }
  mock_resource "aws_redshiftserverless_workgroup" {
    defaults = { arn = "arn:aws:redshift-serverless:eu-west-1:123456789012:workgroup/mock" }
  }
  mock_resource "aws_sagemaker_endpoint" {
    defaults = { arn = "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/mock" }
  }
  mock_resource "aws_api_gateway_rest_api" {
    defaults = { execution_arn = "arn:aws:execute-api:eu-west-1:123456789012:mockapi" }
  }
  mock_resource "aws_cognito_user_pool" {
    defaults = { id = "eu-west-1_Mock12345", arn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Mock12345" }
  }
  mock_resource "aws_cloudfront_distribution" {
    defaults = { arn = "arn:aws:cloudfront::123456789012:distribution/EMOCK0000000", domain_name = "d111111abcdef8.cloudfront.net" }
  }
  mock_data "aws_secretsmanager_random_password" {
    defaults = { random_password = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:mock" }
  }
  mock_resource "aws_wafv2_web_acl" {
    defaults = { arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/mock/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_api_gateway_stage" {
    defaults = { arn = "arn:aws:apigateway:eu-west-1::/restapis/mockapi/stages/v1", invoke_url = "https://mockapi.execute-api.eu-west-1.amazonaws.com/v1" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = { arn = "arn:aws:ecr:eu-west-1:123456789012:repository/mock", repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/riskline-dev-serving" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"}}]}" }
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
  project     = "riskline"
  environment = "dev"
  name_prefix = "riskline-dev"
  account_id  = "123456789012"
  region      = "eu-west-1"
  dist_dir    = "../tests/fixtures/packages"
  # The WAF is modules/api's to test (its rules and association); planning its mocked web ACL costs
  # ~30 s of CPU per run here, for nothing these runs assert.
  enable_waf = false
}

run "names_wiring_and_policies" {
  # One apply (the stack is ~200 mocked resources); names, contract environment, policies.
  command = apply


  assert {
    condition     = alltrue([for role, name in output.function_names : name == "riskline-dev-${replace(role, "_", "-")}"])
    error_message = "Every function must be named riskline-dev-<role>."
  }

  assert {
    condition     = toset(keys(output.function_names)) == toset(["ingestion_api", "ingestion_lex", "ingestion_connect", "ingestion_mailroom", "etl_sync", "etl_queue", "routing"])
    error_message = "function_names must hold exactly the seven contract roles."
  }

  assert {
    condition     = output.applications_table_name == "riskline-dev-applications" && output.idempotency_table_name == "riskline-dev-idempotency"
    error_message = "Tables must be riskline-dev-applications and riskline-dev-idempotency."
  }

  assert {
    condition     = output.endpoint_name == "riskline-dev-endpoint" && output.mailroom_prefix == "mailroom/incoming/"
    error_message = "Endpoint and mail-room prefix must follow the contract."
  }

  assert {
    condition     = module.messaging.queue_name == "riskline-dev-scoring"
    error_message = "The scoring queue must be riskline-dev-scoring."
  }

  assert {
    condition     = alltrue([for q in module.messaging.dead_letter_queue_names : startswith(q, "riskline-dev-")])
    error_message = "Dead-letter queues must carry the riskline-dev- prefix."
  }

  assert {
    condition     = output.warehouse_workgroup_name == "riskline-dev-warehouse"
    error_message = "The warehouse workgroup must be riskline-dev-warehouse when enabled."
  }

  # ---- functions get their contract environment and packages


  assert {
    condition     = module.functions["ingestion_api"].function_name == "riskline-dev-ingestion-api"
    error_message = "ingestion_api name."
  }

  assert {
    condition = (
      local.function_environment.ingestion_api.APPLICATIONS_TABLE == "riskline-dev-applications" &&
      local.function_environment.ingestion_api.IDEMPOTENCY_TABLE == "riskline-dev-idempotency" &&
      endswith(local.function_environment.ingestion_api.ETL_FUNCTION_NAME, ":function:riskline-dev-etl-sync:live") &&
      local.function_environment.ingestion_api.SCORING_TIMEOUT_MS == "2500"
    )
    error_message = "Ingestion must get the tables, the etl alias ARN and the scoring budget."
  }

  assert {
    condition = (
      sort(values(jsondecode(local.function_environment.ingestion_api.CHANNEL_API_KEY_IDS))) == sort(["chatbot", "mail", "mobile", "phone", "webform"]) &&
      alltrue([for id, channel in jsondecode(local.function_environment.ingestion_api.CHANNEL_API_KEY_IDS) : module.api.api_key_ids[channel] == id])
    )
    error_message = "The API function must get every channel's API key id mapped to its channel."
  }

  assert {
    condition     = jsondecode(local.function_environment.ingestion_api.AUDIT_GRADE_SCALE) == { low = "low", medium = "medium", high = "high" }
    error_message = "The API function must get the grade vocabulary (three tiers by default)."
  }

  assert {
    condition = (
      module.monitoring.routing_failure_alarm_names == ["riskline-dev-routing-failure-depth", "riskline-dev-routing-failure-oldest"] &&
      !contains(keys(module.monitoring.dlq_alarm_names), "riskline-dev-routing-failure")
    )
    error_message = "The routing failure queue gets its own depth and age alarms (and no second generic one)."
  }

  assert {
    condition     = !can(local.function_environment.ingestion_lex.CHANNEL_API_KEY_IDS)
    error_message = "Only the API function needs the key map."
  }

  assert {
    condition     = local.function_environment.etl_queue.SAGEMAKER_ENDPOINT_NAME == "riskline-dev-endpoint" && local.function_environment.etl_sync.ENDPOINT_MAX_ATTEMPTS == "3"
    error_message = "etl must get the endpoint name and its retry budget."
  }

  assert {
    condition     = local.function_environment.routing.WAREHOUSE_BACKEND == "redshift" && local.function_environment.routing.REDSHIFT_WORKGROUP == "riskline-dev-warehouse" && local.function_environment.routing.LAKE_PREFIX == "applications"
    error_message = "routing must target Redshift and the lake prefix."
  }

  assert {
    condition     = local.function_environment.routing.REDSHIFT_COPY_ROLE_ARN == "arn:aws:iam::123456789012:role/mock"
    error_message = "routing must get the warehouse's COPY role."
  }

  assert {
    condition     = alltrue([for role, s in local.function_settings : contains(["ingestion", "etl", "routing"], s.package)])
    error_message = "Every function ships one of the three packages."
  }

  assert {
    condition     = local.function_settings.routing.handler == "riskline_routing.stream.handler" && local.function_settings.etl_sync.handler == "riskline_etl.sync.handler" && local.function_settings.ingestion_mailroom.handler == "riskline_ingestion.mailroom.handler"
    error_message = "Handlers must match docs/CONTRACTS.md."
  }

  # ---- policies grant only what each function needs


  # etl sync calls the endpoint and nothing else.
  assert {
    condition     = flatten([for s in jsondecode(local.function_policies.etl_sync).Statement : s.Action]) == ["sagemaker:InvokeEndpoint"]
    error_message = "etl_sync may only invoke the endpoint."
  }

  assert {
    condition     = flatten([for s in jsondecode(local.function_policies.etl_sync).Statement : s.Resource]) == ["arn:aws:sagemaker:eu-west-1:123456789012:endpoint/riskline-dev-endpoint"]
    error_message = "etl_sync may only invoke its own endpoint."
  }

  # Ingestion invokes only the live alias of etl sync; it never deletes applications.
  assert {
    condition     = [for s in jsondecode(local.function_policies.ingestion_api).Statement : s.Resource if contains(s.Action, "lambda:InvokeFunction")] == [["arn:aws:lambda:eu-west-1:123456789012:function:riskline-dev-etl-sync:live"]]
    error_message = "Ingestion may invoke only the etl sync live alias."
  }

  assert {
    condition     = [for s in jsondecode(local.function_policies.ingestion_api).Statement : s.Action if s.Sid == "ApplicationsTable"] == [["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem"]]
    error_message = "Ingestion must not delete applications."
  }

  # The mail room reads uploads and writes reports only under the mail-room prefixes.
  assert {
    condition     = [for s in jsondecode(local.function_policies.ingestion_mailroom).Statement : s.Resource if contains(s.Action, "s3:PutObject")] == [["arn:aws:s3:::mock-bucket/mailroom/reports/*"]]
    error_message = "The mail room may write only its reports."
  }

  # The mail room does not score inline.
  assert {
    condition     = !contains(flatten([for s in jsondecode(local.function_policies.ingestion_mailroom).Statement : s.Action]), "lambda:InvokeFunction")
    error_message = "The mail room must not invoke the scorer."
  }

  # Routing writes only under the lake prefix and the load log's markers, and never writes the table.
  assert {
    condition     = [for s in jsondecode(local.function_policies.routing).Statement : s.Resource if contains(s.Action, "s3:PutObject")] == [["arn:aws:s3:::mock-bucket/applications/*"], ["arn:aws:s3:::mock-bucket/load-log/markers/*"]]
    error_message = "Routing may write only under the lake prefix and the load-log markers."
  }

  assert {
    condition     = length([for a in flatten([for s in jsondecode(local.function_policies.routing).Statement : s.Action]) : a if startswith(a, "dynamodb:") && !contains(["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"], a)]) == 0
    error_message = "Routing may only read the stream."
  }

  # No function policy holds a wildcard action, and "*" resources only for the calls AWS cannot scope.
  assert {
    condition = alltrue(flatten([for role, p in local.function_policies : [
      for s in jsondecode(p).Statement : [for a in s.Action : a != "*" && !endswith(a, ":*")]
    ]]))
    error_message = "No wildcard actions."
  }

  assert {
    condition = alltrue(flatten([for role, p in local.function_policies : [
      for s in jsondecode(p).Statement : alltrue([for a in s.Action : contains(["dynamodb:ListStreams", "redshift-data:DescribeStatement", "redshift-data:GetStatementResult", "redshift-data:CancelStatement"], a)]) if contains(s.Resource, "*")
    ]]))
    error_message = "A \"*\" resource is only allowed for calls without resource-level permissions."
  }
}

run "scheduled_loads_by_default_the_loader_reaches_the_same_warehouse" {
  command = apply

  assert {
    condition     = local.function_environment.routing.WAREHOUSE_LOAD_MODE == "scheduled" && local.function_environment.routing.LOAD_LOG_PREFIX == "load-log"
    error_message = "The stream handler logs batches for the scheduled loader by default."
  }

  assert {
    condition     = output.warehouse_loader.interval_minutes == 15 && output.warehouse_loader.function_name == "riskline-dev-warehouse-loader" && output.warehouse_loader.lag_alarm_seconds == 1920
    error_message = "A loader every 15 minutes, alarmed past one missed run."
  }

  assert {
    condition     = [for s in jsondecode(module.warehouse_loader[0].function_policy_json).Statement : s.Resource if s.Sid == "WarehouseStatements"] == [[module.warehouse[0].workgroup_arn]] && local.function_environment.routing.WAREHOUSE_BACKEND == "redshift"
    error_message = "The loader runs its statements on the stack's workgroup, the one routing targets."
  }
}

run "stream_mode_upserts_per_batch_and_deploys_no_loader" {
  command = plan

  variables {
    warehouse_load = { mode = "stream" }
  }

  assert {
    condition     = local.function_environment.routing.WAREHOUSE_LOAD_MODE == "stream" && length(module.warehouse_loader) == 0
    error_message = "Stream mode: no loader, the handler upserts per batch."
  }

  assert {
    condition     = [for s in jsondecode(local.function_policies.routing).Statement : s.Resource if contains(s.Action, "s3:PutObject")] == [["arn:aws:s3:::mock-bucket/applications/*"]]
    error_message = "Stream mode: routing writes no load-log markers."
  }
}

run "warehouse_off_switches_routing_to_duckdb" {
  command = apply

  variables {
    enable_warehouse = false
  }

  assert {
    condition     = output.warehouse_workgroup_name == null
    error_message = "warehouse_workgroup_name must be null without a warehouse."
  }

  assert {
    condition     = local.function_environment.routing.WAREHOUSE_BACKEND == "duckdb" && !contains(keys(local.function_environment.routing), "REDSHIFT_WORKGROUP")
    error_message = "Without a warehouse routing must use duckdb."
  }

  assert {
    condition     = length([for a in flatten([for s in jsondecode(local.function_policies.routing).Statement : s.Action]) : a if startswith(a, "redshift")]) == 0
    error_message = "Without a warehouse routing gets no Redshift grants."
  }
}

# Every input validation in one plan, each fed its own bad value: each listed check must fail
# (a validation that stopped firing fails this run as a missing expected failure).
run "each_invalid_input_is_refused_by_its_own_validation" {
  command = plan

  variables {
    warehouse_load    = { mode = "hourly" }                                                  # an unknown load mode
    functions         = { scoring = { memory_size = 512 } }                                  # an unknown function role
    environment       = "qa"                                                                 # outside the list
    api_channels      = { webform = { rate_limit = 1, burst_limit = 1, monthly_quota = 1 } } # not the five channels
    audit_grade_scale = { A = "low", B = "medium" }                                          # a tier missing
  }

  expect_failures = [var.warehouse_load, var.functions, var.environment, var.api_channels, var.audit_grade_scale]
}
