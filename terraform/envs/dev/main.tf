# dev: the stack with dev's settings. The provider, the account lookups and the naming come
# from provider.tf, a link to ../../shared/aws_env_provider.tf that prod shares.

module "riskline" {
  source = "../../stack"

  project     = var.project
  environment = var.environment
  name_prefix = module.naming.name_prefix
  account_id  = data.aws_caller_identity.current.account_id
  region      = var.region
  partition   = data.aws_partition.current.partition
  dist_dir    = var.dist_dir

  image_tag                 = var.image_tag
  model_version             = var.model_version
  alarm_emails              = var.alarm_emails
  lex_bot_alias_arn         = var.lex_bot_alias_arn
  connect_instance_arn      = var.connect_instance_arn
  manage_account_singletons = var.manage_account_singletons

  # dev: one small instance, short retention, tables can be deleted.
  endpoint_variant     = { type = "instance", instance_type = "ml.c6i.large", initial_instance_count = 1 }
  endpoint_autoscaling = { enabled = true, min_capacity = 1, max_capacity = 2 }
  endpoint_deployment  = { traffic_routing = "ALL_AT_ONCE", wait_seconds = 120, termination_wait = 120 }
  warehouse_capacity   = { base = 8, max = 16 }
  # dev: one load an hour (lake → warehouse lag ≤ 60 min + 2 min settle + the load).
  warehouse_load      = { mode = "scheduled", interval_minutes = 60 }
  interface_endpoints = ["ecr.api", "ecr.dkr", "logs", "sts", "secretsmanager"]

  log_retention_days       = 14
  audit_log_retention_days = 90
  deletion_protection      = false
  log_level                = "DEBUG"

  tags = module.naming.tags
}
