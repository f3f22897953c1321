# Least-privilege policies, one per function: exactly the calls its code makes, on exactly the
# resources it touches. Logging, X-Ray, DLQ and environment-key grants come from the
# lambda_function module.

locals {
  table_arn       = module.application_store.table_arn
  idempotency_arn = module.application_store.idempotency_table_arn
  data_key_arn    = module.data_key.key_arn
  endpoint_arn    = "arn:${var.partition}:sagemaker:${var.region}:${var.account_id}:endpoint/${lower(local.names.endpoint)}"
}

# Ingestion (API, Lex, Connect): write the application, keep idempotency records, score through
# the etl alias, queue what could not be scored.
data "aws_iam_policy_document" "ingestion_realtime" {
  statement {
    sid       = "ApplicationsTable"
    actions   = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem"]
    resources = [local.table_arn]
  }

  statement {
    sid       = "IdempotencyRecords"
    actions   = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    resources = [local.idempotency_arn]
  }

  statement {
    sid       = "QueueUnscored"
    actions   = ["sqs:SendMessage"]
    resources = [module.messaging.queue_arn]
  }

  statement {
    sid       = "ScoreSynchronously"
    actions   = ["lambda:InvokeFunction"]
    resources = [local.etl_sync_alias_arn]
  }

  statement {
    sid       = "TableAndQueueKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [local.data_key_arn]
  }
}

# Mail room: read the uploaded CSV, store rows and queue them (no inline scoring).
data "aws_iam_policy_document" "ingestion_mailroom" {
  statement {
    sid       = "ReadMailroomUploads"
    actions   = ["s3:GetObject"]
    resources = ["${module.data_lake.bucket_arn}/${module.data_lake.mailroom_prefix}*"]
  }

  statement {
    sid       = "ApplicationsTable"
    actions   = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem"]
    resources = [local.table_arn]
  }

  statement {
    sid       = "IdempotencyRecords"
    actions   = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    resources = [local.idempotency_arn]
  }

  statement {
    sid       = "QueueForScoring"
    actions   = ["sqs:SendMessage"]
    resources = [module.messaging.queue_arn]
  }

  statement {
    sid       = "LakeTableAndQueueKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [local.data_key_arn]
  }
}

# etl sync: the application arrives in the payload; it only calls the endpoint.
data "aws_iam_policy_document" "etl_sync" {
  statement {
    sid       = "InvokeInferencePipeline"
    actions   = ["sagemaker:InvokeEndpoint"]
    resources = [local.endpoint_arn]
  }
}

# etl queue: read the stored application, score it, update it; consume the queue.
data "aws_iam_policy_document" "etl_queue" {
  statement {
    sid       = "InvokeInferencePipeline"
    actions   = ["sagemaker:InvokeEndpoint"]
    resources = [local.endpoint_arn]
  }

  statement {
    sid       = "ApplicationsTable"
    actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    resources = [local.table_arn]
  }

  statement {
    sid       = "ConsumeScoringQueue"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
    resources = [module.messaging.queue_arn]
  }

  statement {
    sid       = "TableAndQueueKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [local.data_key_arn]
  }
}

# routing: read the stream, write PII-free lake objects, hash with the applicant key, upsert the
# warehouse through the Data API, park failed batches on its failure queue.
data "aws_iam_policy_document" "routing" {
  statement {
    sid       = "ReadApplicationsStream"
    actions   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
    resources = [module.application_store.stream_arn]
  }

  statement {
    sid = "ListStreams"
    # ListStreams has no resource-level permissions: AWS requires "*".
    actions   = ["dynamodb:ListStreams"]
    resources = ["*"]
  }

  statement {
    sid       = "WriteLakeRecords"
    actions   = ["s3:PutObject"]
    resources = ["${module.data_lake.bucket_arn}/${module.data_lake.lake_prefix}/*"]
  }

  statement {
    sid       = "ApplicantKey"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [module.data_lake.applicant_key_secret_arn]
  }

  statement {
    sid       = "FailedBatches"
    actions   = ["sqs:SendMessage"]
    resources = [module.messaging.routing_failure_queue_arn]
  }

  statement {
    sid       = "StreamLakeSecretAndQueueKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [local.data_key_arn]
  }

  dynamic "statement" {
    for_each = var.enable_warehouse ? [1] : []

    content {
      sid       = "WarehouseStatements"
      actions   = ["redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"]
      resources = [module.warehouse[0].workgroup_arn]
    }
  }

  dynamic "statement" {
    for_each = var.enable_warehouse ? [1] : []

    content {
      sid       = "WarehouseCredentials"
      actions   = ["redshift-serverless:GetCredentials"]
      resources = [module.warehouse[0].workgroup_arn]
    }
  }

  dynamic "statement" {
    for_each = var.enable_warehouse ? [1] : []

    content {
      sid = "OwnWarehouseStatementResults"
      # These Data API calls have no resource-level permissions: AWS requires "*"; the
      # condition limits them to statements this role ran.
      actions   = ["redshift-data:DescribeStatement", "redshift-data:GetStatementResult", "redshift-data:CancelStatement"]
      resources = ["*"]

      condition {
        test     = "StringEquals"
        variable = "redshift-data:statement-owner-iam-userid"
        values   = ["$${aws:userid}"]
      }
    }
  }
}

locals {
  function_policies = {
    ingestion_api      = data.aws_iam_policy_document.ingestion_realtime.json
    ingestion_lex      = data.aws_iam_policy_document.ingestion_realtime.json
    ingestion_connect  = data.aws_iam_policy_document.ingestion_realtime.json
    ingestion_mailroom = data.aws_iam_policy_document.ingestion_mailroom.json
    etl_sync           = data.aws_iam_policy_document.etl_sync.json
    etl_queue          = data.aws_iam_policy_document.etl_queue.json
    routing            = data.aws_iam_policy_document.routing.json
  }
}
