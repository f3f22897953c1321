data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  instance   = var.variant.type == "instance"
  image      = coalesce(var.image_uri, "${aws_ecr_repository.this.repository_url}:${var.image_tag}")
  in_vpc     = local.instance && length(var.subnet_ids) > 0
  capture_on = local.instance && var.data_capture.enabled

  # The two stages of the inference pipeline: same image, role chosen by environment
  # (docs/CONTRACTS.md, "Serving image"). Stage 1 answers CSV to stage 2.
  containers = [
    {
      hostname = "preprocess"
      environment = {
        RISKLINE_STAGE                       = "preprocess"
        SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT = "text/csv"
      }
    },
    {
      hostname = "xgboost"
      environment = {
        RISKLINE_STAGE = "xgboost"
      }
    },
  ]

  # A changed image, artifact or environment is a new model (models are immutable).
  model_fingerprint = substr(sha1(jsonencode([local.image, var.model_data_url, local.containers])), 0, 8)
  variant_name      = var.variant.name
  log_group_name    = "/aws/sagemaker/Endpoints/${var.name}"
}

# ---------------------------------------------------------------- image repository

resource "aws_ecr_repository" "this" {
  name                 = var.repository_name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete_repository

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }

  tags = var.tags
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the 30 most recent images"
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 30 }
      action       = { type = "expire" }
    }]
  })
}

# ---------------------------------------------------------------- execution role

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["sagemaker.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-sagemaker"
  description        = "Execution role of the ${var.name} inference pipeline"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid = "EcrAuthToken"
    # GetAuthorizationToken has no resource-level permissions: AWS requires "*".
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "PullServingImage"
    actions   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
    resources = [aws_ecr_repository.this.arn]
  }

  statement {
    sid       = "ReadModelArtifacts"
    actions   = ["s3:GetObject"]
    resources = ["${var.artifact_bucket_arn}/${var.model_prefix}/*"]
  }

  statement {
    sid       = "WriteDataCapture"
    actions   = ["s3:PutObject"]
    resources = ["${var.artifact_bucket_arn}/${var.data_capture.prefix}/*"]
  }

  statement {
    sid       = "KeyForArtifactsCaptureAndVolumes"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "ContainerLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}:*"]
  }

  statement {
    sid = "ContainerMetrics"
    # PutMetricData has no resource-level permissions: AWS requires "*"; scoped by namespace.
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["/aws/sagemaker/Endpoints"]
    }
  }

  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []

    content {
      sid = "DescribeVpc"
      # EC2 Describe* calls have no resource-level permissions: AWS requires "*".
      actions   = ["ec2:DescribeVpcEndpoints", "ec2:DescribeDhcpOptions", "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []

    content {
      sid     = "EndpointNetworkInterfaces"
      actions = ["ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission"]
      resources = concat(
        ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"],
        [for s in var.subnet_ids : "arn:${local.partition}:ec2:${local.region}:${local.account_id}:subnet/${s}"],
        [for g in var.security_group_ids : "arn:${local.partition}:ec2:${local.region}:${local.account_id}:security-group/${g}"],
      )
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "inference-pipeline"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
  tags              = var.tags
}

# ---------------------------------------------------------------- inference pipeline model

resource "aws_sagemaker_model" "this" {
  name                     = "${var.name}-${local.model_fingerprint}"
  execution_role_arn       = aws_iam_role.this.arn
  enable_network_isolation = true

  dynamic "container" {
    for_each = local.containers

    content {
      container_hostname = container.value.hostname
      image              = local.image
      model_data_url     = var.model_data_url
      environment        = container.value.environment
    }
  }

  inference_execution_config {
    mode = "Serial"
  }

  dynamic "vpc_config" {
    for_each = local.in_vpc ? [1] : []

    content {
      subnets            = var.subnet_ids
      security_group_ids = var.security_group_ids
    }
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_iam_role_policy.this]
}

# ---------------------------------------------------------------- endpoint configuration

resource "aws_sagemaker_endpoint_configuration" "this" {
  name_prefix = "${var.name}-"
  kms_key_arn = local.instance ? var.kms_key_arn : null

  production_variants {
    variant_name           = local.variant_name
    model_name             = aws_sagemaker_model.this.name
    instance_type          = local.instance ? var.variant.instance_type : null
    initial_instance_count = local.instance ? var.variant.initial_instance_count : null
    initial_variant_weight = 1

    dynamic "serverless_config" {
      for_each = local.instance ? [] : [1]

      content {
        memory_size_in_mb = var.variant.memory_size_in_mb
        max_concurrency   = var.variant.max_concurrency
      }
    }
  }

  dynamic "data_capture_config" {
    for_each = local.capture_on ? [1] : []

    content {
      enable_capture              = true
      destination_s3_uri          = "s3://${split(":::", var.artifact_bucket_arn)[1]}/${var.data_capture.prefix}"
      initial_sampling_percentage = var.data_capture.sampling_percentage
      kms_key_id                  = var.kms_key_arn

      capture_options {
        capture_mode = "Input"
      }

      capture_options {
        capture_mode = "Output"
      }

      capture_content_type_header {
        json_content_types = ["application/json", "application/jsonlines"]
        csv_content_types  = ["text/csv"]
      }
    }
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
    # Auto scaling owns the instance count once the endpoint runs; a config is replaced only
    # when the model or the variant shape changes.
    ignore_changes = [production_variants[0].initial_instance_count]
  }
}

# ---------------------------------------------------------------- endpoint (blue/green)

resource "aws_sagemaker_endpoint" "this" {
  name                 = var.name
  endpoint_config_name = aws_sagemaker_endpoint_configuration.this.name

  dynamic "deployment_config" {
    for_each = local.instance ? [1] : []

    content {
      blue_green_update_policy {
        termination_wait_in_seconds          = var.deployment.termination_wait
        maximum_execution_timeout_in_seconds = var.deployment.max_execution_time

        traffic_routing_configuration {
          type                     = var.deployment.traffic_routing
          wait_interval_in_seconds = var.deployment.wait_seconds

          dynamic "canary_size" {
            for_each = var.deployment.traffic_routing == "CANARY" ? [1] : []

            content {
              type  = "CAPACITY_PERCENT"
              value = var.deployment.step_percent
            }
          }

          dynamic "linear_step_size" {
            for_each = var.deployment.traffic_routing == "LINEAR" ? [1] : []

            content {
              type  = "CAPACITY_PERCENT"
              value = var.deployment.step_percent
            }
          }
        }
      }

      auto_rollback_configuration {
        dynamic "alarms" {
          for_each = local.rollback_alarm_names

          content {
            alarm_name = alarms.value
          }
        }
      }
    }
  }

  tags = var.tags
}
