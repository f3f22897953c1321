# The seven functions (docs/CONTRACTS.md): one reusable module, one least-privilege policy each.

locals {
  function_defaults = {
    ingestion_api      = { package = "ingestion", handler = "riskline_ingestion.api.handler", service = "ingestion", memory_size = 1024, timeout = 10, reserved_concurrency = 50, description = "REST API: submissions, batches, status, audits" }
    ingestion_lex      = { package = "ingestion", handler = "riskline_ingestion.lex.handler", service = "ingestion", memory_size = 1024, timeout = 10, reserved_concurrency = 10, description = "Lex V2 fulfillment (chatbot channel)" }
    ingestion_connect  = { package = "ingestion", handler = "riskline_ingestion.connect.handler", service = "ingestion", memory_size = 1024, timeout = 8, reserved_concurrency = 10, description = "Amazon Connect contact-flow invocation (phone channel)" }
    ingestion_mailroom = { package = "ingestion", handler = "riskline_ingestion.mailroom.handler", service = "ingestion", memory_size = 1024, timeout = 300, reserved_concurrency = 5, description = "Mail-room CSV uploads (S3 event)" }
    etl_sync           = { package = "etl", handler = "riskline_etl.sync.handler", service = "etl", memory_size = 1024, timeout = 5, reserved_concurrency = 50, description = "Synchronous scoring for ingestion" }
    etl_queue          = { package = "etl", handler = "riskline_etl.queue_consumer.handler", service = "etl", memory_size = 1024, timeout = 30, reserved_concurrency = 5, description = "Scores queued applications (SQS)" }
    routing            = { package = "routing", handler = "riskline_routing.stream.handler", service = "routing", memory_size = 1024, timeout = 120, reserved_concurrency = 5, description = "Applications stream to lake and warehouse" }
  }

  function_settings = {
    for role, d in local.function_defaults : role => merge(d, {
      for k, v in try(var.functions[role], {}) : k => v if v != null
    })
  }

  function_names = { for role in keys(local.function_defaults) : role => "${local.p}-${replace(role, "_", "-")}" }

  etl_sync_alias_arn = "arn:${var.partition}:lambda:${var.region}:${var.account_id}:function:${local.function_names.etl_sync}:live"

  common_environment = {
    POWERTOOLS_METRICS_NAMESPACE = var.project
  }

  ingestion_environment = {
    APPLICATIONS_TABLE = module.application_store.table_name
    IDEMPOTENCY_TABLE  = module.application_store.idempotency_table_name
    SCORING_QUEUE_URL  = module.messaging.queue_url
    ETL_FUNCTION_NAME  = local.etl_sync_alias_arn
    SCORING_TIMEOUT_MS = tostring(var.scoring.scoring_timeout_ms)
  }

  etl_environment = {
    APPLICATIONS_TABLE      = module.application_store.table_name
    SAGEMAKER_ENDPOINT_NAME = local.names.endpoint
    ENDPOINT_TIMEOUT_MS     = tostring(var.scoring.endpoint_timeout_ms)
    ENDPOINT_MAX_ATTEMPTS   = tostring(var.scoring.endpoint_max_attempts)
  }

  routing_environment = merge(
    {
      LAKE_BUCKET              = module.data_lake.bucket_name
      LAKE_PREFIX              = module.data_lake.lake_prefix
      APPLICANT_KEY_SECRET_ARN = module.data_lake.applicant_key_secret_arn
    },
    local.warehouse_environment,
    local.routing_load_environment,
  )

  # The API function learns which channel each API key belongs to (key ids only: nothing secret),
  # so a body cannot claim another channel than its key's; and the auditors' grade vocabulary.
  api_environment = merge(local.ingestion_environment, {
    CHANNEL_API_KEY_IDS = jsonencode({ for channel, id in module.api.api_key_ids : id => channel })
    AUDIT_GRADE_SCALE   = jsonencode(var.audit_grade_scale)
  }, local.workbench_environment)

  function_environment = {
    ingestion_api      = local.api_environment
    ingestion_lex      = local.ingestion_environment
    ingestion_connect  = local.ingestion_environment
    ingestion_mailroom = local.ingestion_environment
    etl_sync           = local.etl_environment
    etl_queue          = local.etl_environment
    routing            = local.routing_environment
  }

  function_triggers = {
    ingestion_api = {
      AllowApiGateway = { principal = "apigateway.amazonaws.com", source_arn = "${module.api.execution_arn}/*" }
    }
    ingestion_lex = {
      AllowLexV2 = { principal = "lexv2.amazonaws.com", source_arn = coalesce(var.lex_bot_alias_arn, "arn:${var.partition}:lex:${var.region}:${var.account_id}:bot-alias/*") }
    }
    ingestion_connect = {
      AllowConnect = { principal = "connect.amazonaws.com", source_arn = coalesce(var.connect_instance_arn, "arn:${var.partition}:connect:${var.region}:${var.account_id}:instance/*") }
    }
    ingestion_mailroom = {
      AllowLakeMailroom = { principal = "s3.amazonaws.com", source_arn = "arn:${var.partition}:s3:::${local.names.lake_bucket}", source_account = var.account_id }
    }
  }
}

module "functions" {
  source   = "../modules/lambda_function"
  for_each = local.function_settings

  function_name        = local.function_names[each.key]
  description          = each.value.description
  filename             = "${var.dist_dir}/${each.value.package}.zip"
  handler              = each.value.handler
  memory_size          = each.value.memory_size
  timeout              = each.value.timeout
  reserved_concurrency = each.value.reserved_concurrency
  log_level            = var.log_level
  log_retention_days   = var.log_retention_days

  environment_variables = merge(local.common_environment, { POWERTOOLS_SERVICE_NAME = each.value.service }, local.function_environment[each.key])
  policy_json           = local.function_policies[each.key]
  allowed_triggers      = lookup(local.function_triggers, each.key, {})

  kms_key_arn                   = module.data_key.key_arn
  logs_kms_key_arn              = module.logs_key.key_arn
  dead_letter_queue_arn         = module.messaging.function_dlq_arn
  dead_letter_queue_kms_key_arn = module.data_key.key_arn

  tags = merge(local.tags, { Role = each.key })
}
