data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
}

# ---------------------------------------------------------------- lake bucket

module "lake_bucket" {
  source = "../secure_bucket"

  name              = var.bucket_name
  kms_key_arn       = var.kms_key_arn
  access_log_target = { bucket = module.access_log_bucket.bucket_id, prefix = "s3/${var.bucket_name}/" }
  policy_documents  = [data.aws_iam_policy_document.lake.json]
  force_destroy     = var.force_destroy
  tags              = var.tags

  lifecycle_rules = [
    {
      id     = "lake-tiering"
      prefix = "${var.lake_prefix}/"
      transitions = [
        { days = var.lifecycle_days.to_infrequent_access, storage_class = "STANDARD_IA" },
        { days = var.lifecycle_days.to_glacier_ir, storage_class = "GLACIER_IR" },
      ]
    },
    { id = "mailroom-uploads", prefix = var.mailroom_prefix, expiration_days = var.lifecycle_days.mailroom_expire },
    { id = "noncurrent-and-incomplete", noncurrent_expiration_days = var.lifecycle_days.noncurrent_expire },
  ]
}

locals {
  lake_bucket_arn       = "arn:${local.partition}:s3:::${var.bucket_name}"
  access_log_bucket_arn = "arn:${local.partition}:s3:::${var.access_log_bucket_name}"
}

data "aws_iam_policy_document" "lake" {
  # Uploads without encryption headers get the bucket's default key (SSE-KMS); an upload that names a
  # key must name that one. Both conditions must hold (an absent header is not a foreign key).
  statement {
    sid       = "DenyUploadsNamingForeignKmsKey"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${local.lake_bucket_arn}/*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = ["false"]
    }

    condition {
      test     = "StringNotEquals"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = [var.kms_key_arn]
    }
  }
}

resource "aws_s3_bucket_notification" "this" {
  count = var.mailroom_notification ? 1 : 0

  bucket = module.lake_bucket.bucket_id

  lambda_function {
    lambda_function_arn = var.mailroom_function_arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = var.mailroom_prefix
    filter_suffix       = ".csv"
  }
}

# ---------------------------------------------------------------- access-log bucket

module "access_log_bucket" {
  source = "../secure_bucket"

  name             = var.access_log_bucket_name
  kms_key_arn      = null # S3 server access log delivery writes only to SSE-S3 buckets
  policy_documents = [data.aws_iam_policy_document.access_logs.json]
  force_destroy    = var.force_destroy
  tags             = var.tags

  lifecycle_rules = [{
    id                         = "expire-access-logs"
    expiration_days            = var.lifecycle_days.access_logs_expire
    noncurrent_expiration_days = 30
  }]
}

data "aws_iam_policy_document" "access_logs" {
  statement {
    sid       = "S3ServerAccessLogDelivery"
    actions   = ["s3:PutObject"]
    resources = ["${local.access_log_bucket_arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

# Both buckets moved into modules/secure_bucket: existing state follows, nothing is re-created.
moved {
  from = aws_s3_bucket.this
  to   = module.lake_bucket.aws_s3_bucket.this
}
moved {
  from = aws_s3_bucket_ownership_controls.this
  to   = module.lake_bucket.aws_s3_bucket_ownership_controls.this
}
moved {
  from = aws_s3_bucket_public_access_block.this
  to   = module.lake_bucket.aws_s3_bucket_public_access_block.this
}
moved {
  from = aws_s3_bucket_versioning.this
  to   = module.lake_bucket.aws_s3_bucket_versioning.this
}
moved {
  from = aws_s3_bucket_server_side_encryption_configuration.this
  to   = module.lake_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}
moved {
  from = aws_s3_bucket_logging.this
  to   = module.lake_bucket.aws_s3_bucket_logging.this[0]
}
moved {
  from = aws_s3_bucket_lifecycle_configuration.this
  to   = module.lake_bucket.aws_s3_bucket_lifecycle_configuration.this
}
moved {
  from = aws_s3_bucket_policy.this
  to   = module.lake_bucket.aws_s3_bucket_policy.this
}
moved {
  from = aws_s3_bucket.access_logs
  to   = module.access_log_bucket.aws_s3_bucket.this
}
moved {
  from = aws_s3_bucket_ownership_controls.access_logs
  to   = module.access_log_bucket.aws_s3_bucket_ownership_controls.this
}
moved {
  from = aws_s3_bucket_public_access_block.access_logs
  to   = module.access_log_bucket.aws_s3_bucket_public_access_block.this
}
moved {
  from = aws_s3_bucket_versioning.access_logs
  to   = module.access_log_bucket.aws_s3_bucket_versioning.this
}
moved {
  from = aws_s3_bucket_server_side_encryption_configuration.access_logs
  to   = module.access_log_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}
moved {
  from = aws_s3_bucket_lifecycle_configuration.access_logs
  to   = module.access_log_bucket.aws_s3_bucket_lifecycle_configuration.this
}
moved {
  from = aws_s3_bucket_policy.access_logs
  to   = module.access_log_bucket.aws_s3_bucket_policy.this
}

# ---------------------------------------------------------------- applicant-key secret

resource "aws_secretsmanager_secret" "applicant_key" {
  #checkov:skip=CKV2_AWS_57:Rotating the HMAC key would give the same applicant a new applicant_key and break joins across the lake; re-keying is a planned migration (see terraform/README.md), not an automatic rotation.
  name                    = var.applicant_key_secret_name
  description             = "HMAC key turning applicant PII into the lake's applicant_key."
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = var.tags
}

# Generated by Secrets Manager (GetRandomPassword) and written write-only to the secret version.
# The generated value is kept in the data source's state: the state bucket is KMS-encrypted and
# access-controlled (terraform/README.md). With generate_applicant_key = false operators put the
# value themselves and it never touches Terraform.
data "aws_secretsmanager_random_password" "applicant_key" {
  count = var.generate_applicant_key ? 1 : 0

  password_length     = 64
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret_version" "applicant_key" {
  count = var.generate_applicant_key ? 1 : 0

  secret_id                = aws_secretsmanager_secret.applicant_key.id
  secret_string_wo         = data.aws_secretsmanager_random_password.applicant_key[0].random_password
  secret_string_wo_version = 1
}

# ---------------------------------------------------------------- Glue catalog over the lake

resource "aws_glue_data_catalog_encryption_settings" "this" {
  count = var.manage_catalog_encryption ? 1 : 0

  data_catalog_encryption_settings {
    connection_password_encryption {
      aws_kms_key_id                       = var.kms_key_arn
      return_connection_password_encrypted = true
    }

    encryption_at_rest {
      catalog_encryption_mode = "SSE-KMS"
      sse_aws_kms_key_id      = var.kms_key_arn
    }
  }
}

resource "aws_glue_catalog_database" "this" {
  name        = var.glue_database_name
  description = "riskline data lake (PII-free application records)."
}

resource "aws_glue_catalog_table" "applications" {
  name          = "applications"
  database_name = aws_glue_catalog_database.this.name
  description   = "LakeRecord rows, JSON Lines, partitioned by submission date and channel."
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    "classification"              = "json"
    "projection.enabled"          = "true"
    "projection.dt.type"          = "date"
    "projection.dt.format"        = "yyyy-MM-dd"
    "projection.dt.range"         = "2024-01-01,NOW"
    "projection.dt.interval"      = "1"
    "projection.dt.interval.unit" = "DAYS"
    "projection.channel.type"     = "enum"
    "projection.channel.values"   = "webform,mobile,chatbot,phone,mail"
    "storage.location.template"   = "s3://${var.bucket_name}/${var.lake_prefix}/dt=$${dt}/channel=$${channel}/"
    "has_encrypted_data"          = "true"
    "EXTERNAL"                    = "TRUE"
  }

  partition_keys {
    name = "dt"
    type = "string"
  }

  partition_keys {
    name = "channel"
    type = "string"
  }

  storage_descriptor {
    location      = "s3://${var.bucket_name}/${var.lake_prefix}/"
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    ser_de_info {
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
      parameters            = { "ignore.malformed.json" = "false" }
    }

    dynamic "columns" {
      for_each = local.lake_columns

      content {
        name = columns.value[0]
        type = columns.value[1]
      }
    }
  }
}

locals {
  # LakeRecord (shared/src/riskline_schema/record.py) minus the channel partition; timestamps
  # are ISO-8601 strings.
  lake_columns = [
    ["schema_version", "string"],
    ["application_id", "string"],
    ["applicant_key", "string"],
    ["submitted_at", "string"],
    ["status", "string"],
    ["probability", "double"],
    ["tier", "string"],
    ["decision_hint", "string"],
    ["reason_codes", "array<string>"],
    ["model_version", "string"],
    ["scored_at", "string"],
    ["audit_outcome", "string"],
    ["audit_grade", "string"],
    ["audit_grade_tier", "string"],
    ["audited_at", "string"],
    ["audited_by", "string"],
    ["application_version", "int"],
    ["updated_at", "string"],
    ["annual_income", "double"],
    ["income_verification", "string"],
    ["employment_status", "string"],
    ["employment_length_years", "int"],
    ["home_ownership", "string"],
    ["debt_to_income", "double"],
    ["delinquencies_2y", "int"],
    ["inquiries_last_12m", "int"],
    ["open_credit_lines", "int"],
    ["total_credit_lines", "int"],
    ["revolving_utilization", "double"],
    ["credit_history_years", "double"],
    ["public_record_bankruptcies", "int"],
    ["months_since_last_delinquency", "int"],
    ["loan_amount", "double"],
    ["loan_term_months", "int"],
    ["loan_purpose", "string"],
    ["application_type", "string"],
  ]
}
