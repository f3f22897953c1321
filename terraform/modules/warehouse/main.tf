# ---------------------------------------------------------------- load role (COPY from the lake)

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "load" {
  name               = "${var.name}-load"
  description        = "Lets the warehouse COPY lake records"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "load" {
  statement {
    sid       = "ListLakePrefix"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [var.lake_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.lake_prefix}/*"]
    }
  }

  statement {
    sid       = "ReadLakeRecords"
    actions   = ["s3:GetObject"]
    resources = concat(["${var.lake_bucket_arn}/${var.lake_prefix}/*"], var.manifest_prefix == null ? [] : ["${var.lake_bucket_arn}/${var.manifest_prefix}/*"])
  }

  statement {
    sid       = "DecryptLakeRecords"
    actions   = ["kms:Decrypt"]
    resources = [var.lake_kms_key_arn]
  }
}

resource "aws_iam_role_policy" "load" {
  name   = "load-from-lake"
  role   = aws_iam_role.load.id
  policy = data.aws_iam_policy_document.load.json
}

# ---------------------------------------------------------------- Redshift Serverless

resource "aws_redshiftserverless_namespace" "this" {
  namespace_name                   = var.name
  db_name                          = var.database_name
  admin_username                   = var.admin_username
  manage_admin_password            = true
  admin_password_secret_kms_key_id = var.kms_key_arn
  kms_key_id                       = var.kms_key_arn
  iam_roles                        = [aws_iam_role.load.arn]
  default_iam_role_arn             = aws_iam_role.load.arn
  log_exports                      = ["userlog", "connectionlog", "useractivitylog"]
  tags                             = var.tags

  lifecycle {
    ignore_changes = [admin_username]
  }
}

resource "aws_redshiftserverless_workgroup" "this" {
  namespace_name       = aws_redshiftserverless_namespace.this.namespace_name
  workgroup_name       = var.name
  base_capacity        = var.base_capacity
  max_capacity         = var.max_capacity
  publicly_accessible  = false
  enhanced_vpc_routing = true
  subnet_ids           = var.subnet_ids
  security_group_ids   = var.security_group_ids

  config_parameter {
    parameter_key   = "require_ssl"
    parameter_value = "true"
  }

  config_parameter {
    parameter_key   = "enable_user_activity_logging"
    parameter_value = "true"
  }

  tags = var.tags
}
