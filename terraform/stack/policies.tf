# Least-privilege policies, one per function: exactly the calls its code makes, on exactly the
# resources it touches. Logging, X-Ray, DLQ and environment-key grants come from the
# lambda_function module. Written with jsonencode so plans (and terraform test) see real JSON.

locals {
  table_arn       = module.application_store.table_arn
  idempotency_arn = module.application_store.idempotency_table_arn
  data_key_arn    = module.data_key.key_arn
  workgroup_arn   = try(module.warehouse[0].workgroup_arn, "")
  endpoint_arn    = "arn:${var.partition}:sagemaker:${var.region}:${var.account_id}:endpoint/${lower(local.names.endpoint)}"

  statements = {
    applications_write = { Sid = "ApplicationsTable", Effect = "Allow", Action = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem"], Resource = [local.table_arn] }
    idempotency        = { Sid = "IdempotencyRecords", Effect = "Allow", Action = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], Resource = [local.idempotency_arn] }
    queue_send         = { Sid = "QueueForScoring", Effect = "Allow", Action = ["sqs:SendMessage"], Resource = [module.messaging.queue_arn] }
    data_key           = { Sid = "DataKey", Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = [local.data_key_arn] }
    invoke_endpoint    = { Sid = "InvokeInferencePipeline", Effect = "Allow", Action = ["sagemaker:InvokeEndpoint"], Resource = [local.endpoint_arn] }
  }

  # Ingestion (API, Lex, Connect): write the application, keep idempotency records, score through
  # the etl alias, queue what could not be scored.
  ingestion_realtime_policy = {
    Version = "2012-10-17"
    Statement = [
      local.statements.applications_write,
      local.statements.idempotency,
      local.statements.queue_send,
      { Sid = "ScoreSynchronously", Effect = "Allow", Action = ["lambda:InvokeFunction"], Resource = [local.etl_sync_alias_arn] },
      local.statements.data_key,
    ]
  }

  # Mail room: read the uploaded CSV, store rows (one transaction) and queue them (no inline
  # scoring), write the file's report.
  ingestion_mailroom_policy = {
    Version = "2012-10-17"
    Statement = [
      { Sid = "ReadMailroomUploads", Effect = "Allow", Action = ["s3:GetObject", "s3:GetObjectVersion"], Resource = ["${module.data_lake.bucket_arn}/${module.data_lake.mailroom_prefix}*"] },
      # The per-file report (docs/CONTRACTS.md, mail room): mailroom/reports/<file name>.json.
      { Sid = "WriteMailroomReports", Effect = "Allow", Action = ["s3:PutObject"], Resource = ["${module.data_lake.bucket_arn}/mailroom/reports/*"] },
      local.statements.applications_write,
      local.statements.idempotency,
      local.statements.queue_send,
      local.statements.data_key,
    ]
  }

  # etl sync: the application arrives in the payload; it only calls the endpoint.
  etl_sync_policy = {
    Version   = "2012-10-17"
    Statement = [local.statements.invoke_endpoint]
  }

  # etl queue: read the stored application, score it, update it; consume the queue.
  etl_queue_policy = {
    Version = "2012-10-17"
    Statement = [
      local.statements.invoke_endpoint,
      { Sid = "ApplicationsTable", Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:UpdateItem"], Resource = [local.table_arn] },
      { Sid = "ConsumeScoringQueue", Effect = "Allow", Action = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"], Resource = [module.messaging.queue_arn] },
      local.statements.data_key,
    ]
  }

  # routing: read the stream, write PII-free lake objects, hash with the applicant key, upsert the
  # warehouse through the Data API, park failed batches on its failure queue.
  routing_policy = {
    Version = "2012-10-17"
    Statement = concat(
      [
        { Sid = "ReadApplicationsStream", Effect = "Allow", Action = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"], Resource = [module.application_store.stream_arn] },
        # ListStreams has no resource-level permissions: AWS requires "*".
        { Sid = "ListStreams", Effect = "Allow", Action = ["dynamodb:ListStreams"], Resource = ["*"] },
        { Sid = "WriteLakeRecords", Effect = "Allow", Action = ["s3:PutObject"], Resource = ["${module.data_lake.bucket_arn}/${module.data_lake.lake_prefix}/*"] },
        { Sid = "ApplicantKey", Effect = "Allow", Action = ["secretsmanager:GetSecretValue"], Resource = [module.data_lake.applicant_key_secret_arn] },
        { Sid = "FailedBatches", Effect = "Allow", Action = ["sqs:SendMessage"], Resource = [module.messaging.routing_failure_queue_arn] },
        local.statements.data_key,
      ],
      local.routing_load_log_statements,
      [for s in [
        { Sid = "WarehouseStatements", Effect = "Allow", Action = ["redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"], Resource = [local.workgroup_arn] },
        { Sid = "WarehouseCredentials", Effect = "Allow", Action = ["redshift-serverless:GetCredentials"], Resource = [local.workgroup_arn] },
        # These Data API calls have no resource-level permissions: AWS requires "*"; the
        # condition limits them to statements this role ran.
        {
          Sid       = "OwnWarehouseStatementResults"
          Effect    = "Allow"
          Action    = ["redshift-data:DescribeStatement", "redshift-data:GetStatementResult", "redshift-data:CancelStatement"]
          Resource  = ["*"]
          Condition = { StringEquals = { "redshift-data:statement-owner-iam-userid" = "$${aws:userid}" } }
        },
      ] : s if var.enable_warehouse],
    )
  }

  function_policies = {
    ingestion_api      = jsonencode(merge(local.ingestion_realtime_policy, { Statement = concat(local.ingestion_realtime_policy.Statement, local.workbench_statements) }))
    ingestion_lex      = jsonencode(local.ingestion_realtime_policy)
    ingestion_connect  = jsonencode(local.ingestion_realtime_policy)
    ingestion_mailroom = jsonencode(local.ingestion_mailroom_policy)
    etl_sync           = jsonencode(local.etl_sync_policy)
    etl_queue          = jsonencode(local.etl_queue_policy)
    routing            = jsonencode(local.routing_policy)
  }
}
