# One hardened bucket, in the two shapes modules/data_lake uses: SSE-KMS with access logging (the
# lake) and SSE-S3 without (the access-log target).

mock_provider "aws" {
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::riskline-dev-lake-123456789012", id = "riskline-dev-lake-123456789012" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  name            = "riskline-dev-lake-123456789012"
  lifecycle_rules = [{ id = "expire", expiration_days = 30 }]
}

run "kms_bucket_with_access_logging" {
  command = apply

  variables {
    kms_key_arn       = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111"
    access_log_target = { bucket = "riskline-dev-access-logs-123456789012", prefix = "s3/riskline-dev-lake-123456789012/" }
  }

  assert {
    condition = alltrue([for r in aws_s3_bucket_server_side_encryption_configuration.this.rule : (
      one(r.apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
      && one(r.apply_server_side_encryption_by_default).kms_master_key_id == var.kms_key_arn && r.bucket_key_enabled
    )])
    error_message = "With a key the bucket defaults to SSE-KMS with that key and a bucket key."
  }

  assert {
    condition     = length(aws_s3_bucket_logging.this) == 1 && aws_s3_bucket_logging.this[0].target_bucket == "riskline-dev-access-logs-123456789012"
    error_message = "Access logs go to the given target."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.this.block_public_acls && aws_s3_bucket_public_access_block.this.block_public_policy
      && aws_s3_bucket_public_access_block.this.ignore_public_acls && aws_s3_bucket_public_access_block.this.restrict_public_buckets
    )
    error_message = "Public access is blocked in all four ways."
  }

  assert {
    condition     = one(aws_s3_bucket_versioning.this.versioning_configuration).status == "Enabled"
    error_message = "Versioning is on."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs are off: the bucket owner owns every object."
  }

  assert {
    condition = anytrue([for s in data.aws_iam_policy_document.this.statement : (
      s.sid == "DenyInsecureTransport" && s.effect == "Deny" && one(s.condition).variable == "aws:SecureTransport"
    )])
    error_message = "The policy denies every non-TLS request."
  }

  assert {
    condition     = [for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.id] == ["expire", "abort-incomplete-uploads"]
    error_message = "The caller's rules come first, then the module's own rule."
  }

  assert {
    condition = [
      for r in aws_s3_bucket_lifecycle_configuration.this.rule : one(r.abort_incomplete_multipart_upload).days_after_initiation
      if r.id == "abort-incomplete-uploads"
    ] == [7]
    error_message = "Incomplete multipart uploads are aborted after 7 days."
  }
}

run "access_log_target_is_sse_s3_without_logging" {
  command = apply

  assert {
    condition = alltrue([for r in aws_s3_bucket_server_side_encryption_configuration.this.rule : (
      one(r.apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    )])
    error_message = "Without a key the bucket defaults to SSE-S3 (all S3 log delivery can write to)."
  }

  assert {
    condition     = length(aws_s3_bucket_logging.this) == 0
    error_message = "No access log target, no logging (the log bucket does not log to itself)."
  }
}

run "rule_ids_are_unique_and_not_the_module_s_own" {
  command = plan

  variables {
    lifecycle_rules = [{ id = "abort-incomplete-uploads", expiration_days = 30 }]
  }

  expect_failures = [var.lifecycle_rules]
}
