# Key and index shapes are contracts (docs/CONTRACTS.md): application_id (S); GSI status-index
# (status, submitted_at); sparse GSI review-queue-index (review_queue, review_since); stream
# NEW_AND_OLD_IMAGES; idempotency key id (S), TTL expiration.

resource "aws_dynamodb_table" "this" {
  name                        = var.applications_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "application_id"
  stream_enabled              = true
  stream_view_type            = "NEW_AND_OLD_IMAGES"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "application_id"
    type = "S"
  }

  attribute {
    name = "status"
    type = "S"
  }

  attribute {
    name = "submitted_at"
    type = "S"
  }

  global_secondary_index {
    name            = "status-index"
    hash_key        = "status"
    range_key       = "submitted_at"
    projection_type = "KEYS_ONLY"
  }

  attribute {
    name = "review_queue"
    type = "S"
  }

  attribute {
    name = "review_since"
    type = "S"
  }

  # The auditors' review queue: only items waiting for an auditor carry these attributes (sparse),
  # one partition per channel, oldest first. Projects no applicant data.
  global_secondary_index {
    name               = "review-queue-index"
    hash_key           = "review_queue"
    range_key          = "review_since"
    projection_type    = "INCLUDE"
    non_key_attributes = ["channel", "assessment"]
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}

resource "aws_dynamodb_table" "idempotency" {
  name                        = var.idempotency_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "id"
    type = "S"
  }

  ttl {
    attribute_name = "expiration"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}
