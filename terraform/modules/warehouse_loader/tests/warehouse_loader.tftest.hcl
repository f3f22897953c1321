# The warehouse loader module: schedule → live alias at the interval, least-privilege policy per
# backend, alarms on failed loads and on lag, validation.

mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/riskline-prod-warehouse-loader" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/riskline-prod-warehouse-loader" }
  }
  mock_resource "aws_lambda_alias" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:riskline-prod-warehouse-loader:live" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Service\":\"scheduler.amazonaws.com\"}}]}" }
  }
}

variables {
  name                          = "riskline-prod-warehouse-loader"
  filename                      = "../../tests/fixtures/packages/routing.zip"
  lake_bucket_name              = "riskline-prod-lake"
  lake_bucket_arn               = "arn:aws:s3:::riskline-prod-lake"
  lake_kms_key_arn              = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  warehouse_environment         = { WAREHOUSE_BACKEND = "redshift", REDSHIFT_WORKGROUP = "riskline-prod-warehouse", REDSHIFT_DATABASE = "riskline", REDSHIFT_COPY_ROLE_ARN = "arn:aws:iam::123456789012:role/riskline-prod-warehouse-load" }
  warehouse_workgroup_arn       = "arn:aws:redshift-serverless:eu-west-1:123456789012:workgroup/00000000-0000-0000-0000-000000000000"
  kms_key_arn                   = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  logs_kms_key_arn              = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111"
  dead_letter_queue_arn         = "arn:aws:sqs:eu-west-1:123456789012:riskline-prod-functions-dlq"
  dead_letter_queue_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  account_id                    = "123456789012"
  alarm_actions                 = ["arn:aws:sns:eu-west-1:123456789012:riskline-prod-alarms"]
}

run "schedule_invokes_the_live_alias_every_interval" {
  command = apply # the alias ARN is known only once (mock-)applied

  assert {
    condition     = aws_scheduler_schedule.this.schedule_expression == "rate(15 minutes)" && aws_scheduler_schedule.this.flexible_time_window[0].mode == "OFF"
    error_message = "Every 15 minutes by default, at fixed times."
  }

  assert {
    condition     = aws_scheduler_schedule.this.target[0].arn == "arn:aws:lambda:eu-west-1:123456789012:function:riskline-prod-warehouse-loader:live" && aws_scheduler_schedule.this.target[0].dead_letter_config[0].arn == var.dead_letter_queue_arn
    error_message = "The schedule invokes the live alias; failed deliveries reach the DLQ."
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.scheduler.policy).Statement : s.Resource if s.Sid == "InvokeLoader"][0] == ["arn:aws:lambda:eu-west-1:123456789012:function:riskline-prod-warehouse-loader:live"]
    error_message = "The scheduler role may invoke the loader's alias only."
  }

  assert {
    condition     = module.function.function_name == "riskline-prod-warehouse-loader"
    error_message = "The function carries the module's name."
  }
}

run "one_minute_interval_reads_as_aws_spells_it" {
  command = plan

  variables {
    interval_minutes = 1
    settle_seconds   = 2
  }

  assert {
    condition     = aws_scheduler_schedule.this.schedule_expression == "rate(1 minute)"
    error_message = "rate(1 minute), singular."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.load_lag.threshold == 122 && aws_cloudwatch_metric_alarm.load_lag.period == 120
    error_message = "Lag alarm: two intervals plus the settle delay, over two intervals."
  }
}

run "redshift_policy_reads_the_log_and_runs_statements_on_its_workgroup_only" {
  command = plan

  assert {
    condition = { for s in jsondecode(output.function_policy_json).Statement : s.Sid => s.Resource } == {
      ListLoadLog                  = ["arn:aws:s3:::riskline-prod-lake"]
      ReadMarkersAndWatermark      = ["arn:aws:s3:::riskline-prod-lake/load-log/markers/*", "arn:aws:s3:::riskline-prod-lake/load-log/watermark.json"]
      WriteWatermarkAndManifests   = ["arn:aws:s3:::riskline-prod-lake/load-log/watermark.json", "arn:aws:s3:::riskline-prod-lake/load-log/manifests/*"]
      LakeKey                      = [var.lake_kms_key_arn]
      WarehouseStatements          = [var.warehouse_workgroup_arn]
      WarehouseCredentials         = [var.warehouse_workgroup_arn]
      OwnWarehouseStatementResults = ["*"]
    }
    error_message = "Redshift backend: the load log, the watermark, the manifests, the lake key and the workgroup; no lake rows (COPY reads them with its own role)."
  }

  assert {
    condition     = [for s in jsondecode(output.function_policy_json).Statement : s.Condition.StringLike["s3:prefix"] if s.Sid == "ListLoadLog"][0] == ["load-log/*"]
    error_message = "Listing is limited to the load log."
  }
}

run "duckdb_policy_reads_the_lake_rows_and_no_warehouse_api" {
  command = plan

  variables {
    warehouse_environment   = { WAREHOUSE_BACKEND = "duckdb", WAREHOUSE_DUCKDB_PATH = "/tmp/warehouse.duckdb" }
    warehouse_workgroup_arn = null
  }

  assert {
    condition     = [for s in jsondecode(output.function_policy_json).Statement : s.Resource if s.Sid == "ReadLakeRows"][0] == ["arn:aws:s3:::riskline-prod-lake/applications/*"] && length([for s in jsondecode(output.function_policy_json).Statement : s if startswith(s.Sid, "Warehouse")]) == 0
    error_message = "DuckDB backend: reads the lake rows itself, no Data API."
  }
}

run "alarms_watch_failures_and_lag_in_the_loader_service" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.failed_load.metric_name == "WarehouseLoadFailures" && aws_cloudwatch_metric_alarm.failed_load.dimensions.service == "warehouse_loader" && aws_cloudwatch_metric_alarm.failed_load.namespace == "riskline"
    error_message = "Failed loads: WarehouseLoadFailures of the loader service."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.load_lag.metric_name == "WarehouseLoadLagSeconds" && aws_cloudwatch_metric_alarm.load_lag.threshold == 1920 && aws_cloudwatch_metric_alarm.load_lag.treat_missing_data == "breaching"
    error_message = "Lag: 2 × 15 min + 120 s, and a loader that stops reporting alarms too."
  }

  assert {
    condition     = module.function.function_name != "" && aws_cloudwatch_metric_alarm.load_lag.alarm_actions == toset(var.alarm_actions) && aws_cloudwatch_metric_alarm.failed_load.alarm_actions == toset(var.alarm_actions)
    error_message = "Both alarms notify the given topics."
  }
}

# Every input validation in one plan, each fed its own bad value: each listed check must fail
# (a validation that stopped firing fails this run as a missing expected failure).
run "each_invalid_input_is_refused_by_its_own_validation" {
  command = plan

  variables {
    # interval outside the range is refused
    interval_minutes = 0
    # a warehouse environment without backend is refused
    warehouse_environment = { REDSHIFT_WORKGROUP = "x" }
  }

  expect_failures = [var.interval_minutes, var.warehouse_environment]
}
