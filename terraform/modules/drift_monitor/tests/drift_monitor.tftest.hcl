# The drift monitor module: schedule → live alias, least-privilege policy, alarm on drift, validation.

mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/riskline-dev-drift-monitor" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/riskline-dev-drift-monitor" }
  }
  mock_resource "aws_lambda_alias" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:riskline-dev-drift-monitor:live" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Service\":\"scheduler.amazonaws.com\"}}]}" }
  }
}

variables {
  name                          = "riskline-dev-drift-monitor"
  filename                      = "../../tests/fixtures/packages/monitor.zip"
  lake_bucket_name              = "riskline-dev-lake"
  lake_bucket_arn               = "arn:aws:s3:::riskline-dev-lake"
  lake_kms_key_arn              = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  model_version                 = "riskline-xgb-20261201T0600-1a2b3c4d"
  kms_key_arn                   = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  logs_kms_key_arn              = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111"
  dead_letter_queue_arn         = "arn:aws:sqs:eu-west-1:123456789012:riskline-dev-functions-dlq"
  dead_letter_queue_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  account_id                    = "123456789012"
  alarm_actions                 = ["arn:aws:sns:eu-west-1:123456789012:riskline-dev-alarms"]
}

run "schedule_invokes_the_live_alias_with_the_window" {
  command = apply # the alias ARN is known only once (mock-)applied

  assert {
    condition     = aws_scheduler_schedule.this.schedule_expression == "cron(0 6 * * ? *)" && aws_scheduler_schedule.this.flexible_time_window[0].mode == "OFF"
    error_message = "Daily at 06:00 UTC by default, at a fixed time."
  }

  assert {
    condition     = aws_scheduler_schedule.this.target[0].arn == "arn:aws:lambda:eu-west-1:123456789012:function:riskline-dev-drift-monitor:live" && jsondecode(aws_scheduler_schedule.this.target[0].input).window_days == 7
    error_message = "The schedule invokes the live alias with the window length."
  }

  assert {
    condition     = aws_scheduler_schedule.this.target[0].dead_letter_config[0].arn == var.dead_letter_queue_arn && aws_scheduler_schedule.this.kms_key_arn == var.kms_key_arn
    error_message = "Failed schedule deliveries reach the DLQ; the schedule is encrypted with the given key."
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.scheduler.policy).Statement : s.Resource if s.Sid == "InvokeMonitor"][0] == ["arn:aws:lambda:eu-west-1:123456789012:function:riskline-dev-drift-monitor:live"]
    error_message = "The scheduler role may invoke the monitor's alias only."
  }
}

run "function_policy_is_least_privilege" {
  command = plan

  assert {
    condition     = { for s in jsondecode(output.function_policy_json).Statement : s.Sid => s.Resource } == { ListLakeAndModels = ["arn:aws:s3:::riskline-dev-lake"], ReadLake = ["arn:aws:s3:::riskline-dev-lake/applications/*"], ReadServedModel = ["arn:aws:s3:::riskline-dev-lake/models/*"], WriteReports = ["arn:aws:s3:::riskline-dev-lake/monitoring/drift/*"], LakeKey = [var.lake_kms_key_arn], DriftMetricsOnly = ["*"] }
    error_message = "Reads the lake and models, writes only reports, uses the lake key, publishes metrics."
  }

  assert {
    condition     = [for s in jsondecode(output.function_policy_json).Statement : s.Condition.StringEquals["cloudwatch:namespace"] if s.Sid == "DriftMetricsOnly"][0] == "riskline/drift"
    error_message = "Metrics only in the monitor's namespace."
  }

  assert {
    condition     = [for s in jsondecode(output.function_policy_json).Statement : s.Action if s.Sid == "WriteReports"][0] == ["s3:PutObject"]
    error_message = "The only write is a report object."
  }
}

run "alarm_fires_on_the_largest_feature_psi" {
  command = plan

  variables {
    psi_threshold = 0.25
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.drift.metric_name == "MaxFeaturePSI" && aws_cloudwatch_metric_alarm.drift.namespace == "riskline/drift" && aws_cloudwatch_metric_alarm.drift.threshold == 0.25
    error_message = "The drift alarm watches MaxFeaturePSI in the monitor namespace at the threshold."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.drift.alarm_actions == toset(var.alarm_actions) && aws_cloudwatch_metric_alarm.failed_run.alarm_actions == toset(var.alarm_actions)
    error_message = "Both alarms notify the given topics."
  }
}

# Every input validation in one plan, each fed its own bad value: each listed check must fail
# (a validation that stopped firing fails this run as a missing expected failure).
run "each_invalid_input_is_refused_by_its_own_validation" {
  command = plan

  variables {
    # bad schedule is refused
    schedule_expression = "every day"
    # aws namespace is refused
    namespace = "AWS/Lambda"
  }

  expect_failures = [var.schedule_expression, var.namespace]
}
