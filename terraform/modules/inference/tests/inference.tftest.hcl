# The inference pipeline: two containers in order, their environment, rollout and scaling.

mock_provider "aws" {
  mock_resource "aws_ecr_repository" {
    defaults = { arn = "arn:aws:ecr:eu-west-1:123456789012:repository/riskline-dev-serving", repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/riskline-dev-serving" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/riskline-dev-endpoint-sagemaker" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Service\":\"sagemaker.amazonaws.com\"}}]}" }
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
  name                = "riskline-dev-endpoint"
  repository_name     = "riskline-dev-serving"
  image_tag           = "20261129-1a2b3c4d"
  model_data_url      = "s3://riskline-dev-lake-123456789012/models/riskline-xgb-20261129T1200-1a2b3c4d/model.tar.gz"
  artifact_bucket_arn = "arn:aws:s3:::riskline-dev-lake-123456789012"
  kms_key_arn         = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  logs_kms_key_arn    = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111"
  subnet_ids          = ["subnet-0a", "subnet-0b"]
  security_group_ids  = ["sg-0a"]
}

run "pipeline_has_preprocess_then_xgboost" {
  command = apply

  assert {
    condition     = [for c in aws_sagemaker_model.this.container : c.container_hostname] == ["preprocess", "xgboost"]
    error_message = "The pipeline must run preprocess, then xgboost."
  }

  assert {
    condition     = aws_sagemaker_model.this.inference_execution_config[0].mode == "Serial"
    error_message = "The containers must run as a serial inference pipeline."
  }

  assert {
    condition     = [for c in aws_sagemaker_model.this.container : c.environment["RISKLINE_STAGE"]] == ["preprocess", "xgboost"]
    error_message = "Each container must pick its stage through RISKLINE_STAGE."
  }

  assert {
    condition     = aws_sagemaker_model.this.container[0].environment["SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT"] == "text/csv" && !contains(keys(aws_sagemaker_model.this.container[1].environment), "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT")
    error_message = "Only stage 1 answers CSV to stage 2."
  }

  assert {
    condition     = alltrue([for c in aws_sagemaker_model.this.container : c.image == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/riskline-dev-serving:20261129-1a2b3c4d" && c.model_data_url == var.model_data_url])
    error_message = "Both stages run the same image and artifact."
  }

  assert {
    condition     = aws_sagemaker_model.this.enable_network_isolation == true && length(aws_sagemaker_model.this.vpc_config) == 1
    error_message = "The model must be network-isolated and in the VPC."
  }
}

run "instance_variant_captures_data_and_rolls_out_blue_green" {
  command = apply

  assert {
    condition     = aws_sagemaker_endpoint_configuration.this.data_capture_config[0].destination_s3_uri == "s3://riskline-dev-lake-123456789012/datacapture" && length(aws_sagemaker_endpoint_configuration.this.data_capture_config[0].capture_options) == 2
    error_message = "Requests and responses must be captured to the lake."
  }

  assert {
    condition     = aws_sagemaker_endpoint.this.deployment_config[0].blue_green_update_policy[0].traffic_routing_configuration[0].type == "CANARY"
    error_message = "Updates must roll out blue/green (canary by default)."
  }

  assert {
    condition     = toset([for a in aws_sagemaker_endpoint.this.deployment_config[0].auto_rollback_configuration[0].alarms : a.alarm_name]) == toset(["riskline-dev-endpoint-model-latency-p99", "riskline-dev-endpoint-invocation-5xx", "riskline-dev-endpoint-model-errors"])
    error_message = "Latency, 5xx and model-error alarms must roll a deployment back."
  }

  assert {
    condition     = length(aws_appautoscaling_policy.this) == 1 && aws_appautoscaling_policy.this[0].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "SageMakerVariantInvocationsPerInstance"
    error_message = "The variant must scale on invocations per instance."
  }

  assert {
    condition     = aws_appautoscaling_target.this[0].resource_id == "endpoint/riskline-dev-endpoint/variant/primary"
    error_message = "Auto scaling must target the primary variant."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.this) == 4
    error_message = "Latency, 4xx, 5xx and model-error alarms must exist."
  }
}

run "serverless_variant_has_no_capture_vpc_or_autoscaling" {
  command = plan

  variables {
    variant = { type = "serverless", memory_size_in_mb = 3072, max_concurrency = 10 }
  }

  assert {
    condition     = length(aws_sagemaker_endpoint_configuration.this.data_capture_config) == 0 && length(aws_appautoscaling_target.this) == 0 && length(aws_sagemaker_model.this.vpc_config) == 0
    error_message = "Serverless variants support neither data capture, VPC nor application auto scaling."
  }

  assert {
    condition     = aws_sagemaker_endpoint_configuration.this.production_variants[0].serverless_config[0].memory_size_in_mb == 3072
    error_message = "The serverless memory size must be applied."
  }
}

# Every input validation in one plan, each fed its own bad value: each listed check must fail
# (a validation that stopped firing fails this run as a missing expected failure).
run "each_invalid_input_is_refused_by_its_own_validation" {
  command = plan

  variables {
    # latest tag is rejected
    image_tag = "latest"
    # unknown variant type is rejected
    variant = { type = "gpu" }
    # artifact must be an s3 tarball
    model_data_url = "https://example.com/model.zip"
  }

  expect_failures = [var.image_tag, var.variant, var.model_data_url]
}
