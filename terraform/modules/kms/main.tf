locals {
  root_arn = "arn:${var.partition}:iam::${var.account_id}:root"

  generic_services = [for s in var.service_principals : s if !contains(["logs", "cloudtrail"], s)]
}

data "aws_iam_policy_document" "this" {
  #checkov:skip=CKV_AWS_109:A key policy governs only its own key: "*" means this key, and the account must be able to administer it.
  #checkov:skip=CKV_AWS_111:A key policy governs only its own key: "*" means this key; service statements carry source conditions.
  #checkov:skip=CKV_AWS_356:Key policies must name the key as "*" (AWS KMS key policy syntax).
  # Key administration by the account (IAM decides who inside it). Key policies must name the
  # key itself as "*".
  statement {
    sid       = "AccountAdministers"
    effect    = "Allow"
    actions   = ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.root_arn]
    }
  }

  # Lets IAM policies in the account grant use of the key (each function role names it).
  statement {
    sid       = "AccountIamPoliciesMayGrantUse"
    effect    = "Allow"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant", "kms:ListGrants", "kms:RetireGrant"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.root_arn]
    }
  }

  dynamic "statement" {
    for_each = contains(var.service_principals, "logs") ? [1] : []

    content {
      sid       = "CloudWatchLogsEncrypt"
      effect    = "Allow"
      actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["logs.${var.region}.amazonaws.com"]
      }

      condition {
        test     = "ArnLike"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = ["arn:${var.partition}:logs:${var.region}:${var.account_id}:*"]
      }
    }
  }

  dynamic "statement" {
    for_each = contains(var.service_principals, "cloudtrail") ? [1] : []

    content {
      sid       = "CloudTrailEncryptLogs"
      effect    = "Allow"
      actions   = ["kms:GenerateDataKey*"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["cloudtrail.amazonaws.com"]
      }

      condition {
        test     = "StringLike"
        variable = "kms:EncryptionContext:aws:cloudtrail:arn"
        values   = ["arn:${var.partition}:cloudtrail:*:${var.account_id}:trail/*"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [var.account_id]
      }
    }
  }

  dynamic "statement" {
    for_each = contains(var.service_principals, "cloudtrail") ? [1] : []

    content {
      sid       = "CloudTrailDescribeKey"
      effect    = "Allow"
      actions   = ["kms:DescribeKey"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["cloudtrail.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = length(local.generic_services) > 0 ? [1] : []

    content {
      sid       = "ServicesUseKeyForThisAccount"
      effect    = "Allow"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = local.generic_services
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [var.account_id]
      }
    }
  }
}

resource "aws_kms_key" "this" {
  description             = var.description
  enable_key_rotation     = true
  rotation_period_in_days = var.rotation_period_in_days
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = data.aws_iam_policy_document.this.json
  tags                    = merge(var.tags, { Name = var.name })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}
