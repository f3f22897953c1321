# The whole riskline stack: every environment root instantiates this composition with its own
# settings, so dev, prod and local apply the very same modules.

locals {
  p = var.name_prefix

  # The naming rule, in one place: <project>-<environment>-<role>.
  names = {
    data_key           = "${local.p}-data"
    logs_key           = "${local.p}-logs"
    applications_table = "${local.p}-applications"
    idempotency_table  = "${local.p}-idempotency"
    scoring_queue      = "${local.p}-scoring"
    scoring_dlq        = "${local.p}-scoring-dlq"
    routing_failure    = "${local.p}-routing-failure"
    function_dlq       = "${local.p}-functions-dlq"
    lake_bucket        = "${local.p}-lake-${var.account_id}"
    access_log_bucket  = "${local.p}-access-logs-${var.account_id}"
    trail_bucket       = "${local.p}-trail-${var.account_id}"
    glue_database      = replace("${local.p}-lake", "-", "_")
    applicant_secret   = "${local.p}-applicant-key"
    api                = "${local.p}-api"
    endpoint           = "${local.p}-endpoint"
    repository         = "${local.p}-serving"
    warehouse          = "${local.p}-warehouse"
    network            = local.p
    monitoring         = local.p
  }

  tags = var.tags # the environment's one tag map (modules/naming)

  availability_zones = coalesce(var.availability_zones, ["${var.region}a", "${var.region}b", "${var.region}c"])
}

# ---------------------------------------------------------------- keys

module "data_key" {
  source = "../modules/kms"

  name        = local.names.data_key
  description = "riskline ${var.environment}: applications, queues, lake, secrets, function environments, model"
  account_id  = var.account_id
  region      = var.region
  partition   = var.partition
  # CloudWatch alarms and CloudTrail publish to the encrypted alarm topic.
  service_principals      = ["cloudwatch.amazonaws.com", "cloudtrail.amazonaws.com"]
  deletion_window_in_days = var.force_destroy ? 7 : 30
  tags                    = local.tags
}

module "logs_key" {
  source = "../modules/kms"

  name                    = local.names.logs_key
  description             = "riskline ${var.environment}: CloudWatch Logs and the audit trail"
  account_id              = var.account_id
  region                  = var.region
  partition               = var.partition
  service_principals      = ["logs", "cloudtrail"]
  deletion_window_in_days = var.force_destroy ? 7 : 30
  tags                    = local.tags
}

# ---------------------------------------------------------------- data stores and queues

module "application_store" {
  source = "../modules/application_store"

  applications_table_name = local.names.applications_table
  idempotency_table_name  = local.names.idempotency_table
  kms_key_arn             = module.data_key.key_arn
  deletion_protection     = var.deletion_protection
  tags                    = local.tags
}

module "messaging" {
  source = "../modules/messaging"

  queue_names = {
    scoring         = local.names.scoring_queue
    scoring_dlq     = local.names.scoring_dlq
    routing_failure = local.names.routing_failure
    function_dlq    = local.names.function_dlq
  }
  kms_key_arn                        = module.data_key.key_arn
  scoring_visibility_timeout_seconds = 6 * local.function_settings.etl_queue.timeout

  event_source_mappings  = true
  etl_queue_function_arn = module.functions["etl_queue"].alias_arn
  routing_function_arn   = module.functions["routing"].alias_arn
  stream_arn             = module.application_store.stream_arn

  tags = local.tags
}

module "data_lake" {
  source = "../modules/data_lake"

  bucket_name                 = local.names.lake_bucket
  access_log_bucket_name      = local.names.access_log_bucket
  account_id                  = var.account_id
  kms_key_arn                 = module.data_key.key_arn
  glue_database_name          = local.names.glue_database
  applicant_key_secret_name   = local.names.applicant_secret
  generate_applicant_key      = var.generate_applicant_key
  manage_catalog_encryption   = var.manage_account_singletons
  mailroom_function_arn       = module.functions["ingestion_mailroom"].alias_arn
  force_destroy               = var.force_destroy
  secret_recovery_window_days = var.force_destroy ? 0 : 30
  tags                        = local.tags
}

# ---------------------------------------------------------------- network and warehouse

module "network" {
  source = "../modules/network"

  name                    = local.names.network
  cidr_block              = var.vpc_cidr
  availability_zones      = local.availability_zones
  region                  = var.region
  interface_endpoints     = var.interface_endpoints
  logs_kms_key_arn        = module.logs_key.key_arn
  flow_log_retention_days = var.audit_log_retention_days
  tags                    = local.tags
}

module "warehouse" {
  source = "../modules/warehouse"
  count  = var.enable_warehouse ? 1 : 0

  name               = local.names.warehouse
  kms_key_arn        = module.data_key.key_arn
  subnet_ids         = module.network.private_subnet_ids
  security_group_ids = [module.network.warehouse_security_group_id]
  base_capacity      = var.warehouse_capacity.base
  max_capacity       = var.warehouse_capacity.max
  lake_bucket_arn    = module.data_lake.bucket_arn
  lake_prefix        = module.data_lake.lake_prefix
  lake_kms_key_arn   = module.data_key.key_arn
  # The scheduled loader's COPY manifests, beside the lake rows.
  manifest_prefix = local.warehouse_scheduled ? "${local.load_log_prefix}/manifests" : null
  tags            = local.tags
}

# ---------------------------------------------------------------- model endpoint

module "inference" {
  source = "../modules/inference"

  name                = local.names.endpoint
  repository_name     = local.names.repository
  image_tag           = var.image_tag
  model_data_url      = "s3://${module.data_lake.bucket_name}/${module.data_lake.model_prefix}/${var.model_version}/model.tar.gz"
  artifact_bucket_arn = module.data_lake.bucket_arn
  model_prefix        = module.data_lake.model_prefix
  kms_key_arn         = module.data_key.key_arn
  logs_kms_key_arn    = module.logs_key.key_arn
  log_retention_days  = var.log_retention_days

  data_capture = {
    enabled             = true
    prefix              = module.data_lake.data_capture_prefix
    sampling_percentage = var.data_capture_sampling_percentage
  }

  variant            = var.endpoint_variant
  autoscaling        = var.endpoint_autoscaling
  deployment         = var.endpoint_deployment
  subnet_ids         = module.network.private_subnet_ids
  security_group_ids = [module.network.endpoint_security_group_id]
  alarm_topic_arn    = module.monitoring.alarm_topic_arn

  force_delete_repository = var.force_destroy
  tags                    = local.tags
}

# ---------------------------------------------------------------- API

module "api" {
  source = "../modules/api"

  name                        = local.names.api
  function_invoke_arn         = module.functions["ingestion_api"].alias_invoke_arn
  channels                    = var.api_channels
  waf_rate_limit              = var.waf_rate_limit
  enable_waf                  = var.enable_waf
  manage_account_logging_role = var.manage_account_singletons
  log_retention_days          = var.log_retention_days
  logs_kms_key_arn            = module.logs_key.key_arn
  workbench                   = local.workbench_enabled ? { user_pool_arn = module.workbench[0].user_pool_arn } : null
  tags                        = local.tags
}

# ---------------------------------------------------------------- monitoring

module "monitoring" {
  source = "../modules/monitoring"

  name             = local.names.monitoring
  account_id       = var.account_id
  region           = var.region
  kms_key_arn      = module.data_key.key_arn
  logs_kms_key_arn = module.logs_key.key_arn
  alarm_emails     = var.alarm_emails

  api = {
    name                  = local.names.api
    stage_name            = module.api.stage_name
    access_log_group_name = module.api.access_log_group_name
    api_key_ids           = module.api.api_key_ids
  }
  function_names          = { for role, f in module.functions : role => f.function_name }
  endpoint                = { name = local.names.endpoint, variant_name = var.endpoint_variant.name }
  scoring_queue_name      = module.messaging.queue_name
  dead_letter_queue_names = module.messaging.dead_letter_queue_names
  routing_failure_queue   = { name = local.names.routing_failure }

  enable_cloudtrail      = var.enable_cloudtrail
  enable_saved_queries   = var.enable_saved_queries
  trail_bucket_name      = local.names.trail_bucket
  access_log_bucket_name = module.data_lake.access_log_bucket_name
  log_retention_days     = var.audit_log_retention_days
  force_destroy          = var.force_destroy
  audited = {
    lake_bucket_arn = module.data_lake.bucket_arn
    table_arn       = module.application_store.table_arn
    endpoint_arn    = module.inference.endpoint_arn
  }

  tags = local.tags
}
