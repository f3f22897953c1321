# prod: the stack with prod's settings. The provider, the account lookups and the naming come
# from provider.tf, a link to ../../shared/aws_env_provider.tf that dev shares.

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

  # prod: two instances across zones scaling to eight, canary rollouts, long retention, protected tables.
  endpoint_variant     = { type = "instance", instance_type = "ml.c6i.large", initial_instance_count = 2 }
  endpoint_autoscaling = { enabled = true, min_capacity = 2, max_capacity = 8 }
  endpoint_deployment  = { traffic_routing = "CANARY", step_percent = 10, wait_seconds = 600, termination_wait = 900 }
  warehouse_capacity   = { base = 8, max = 64 }
  # prod: a load every 15 min (lake → warehouse lag ≤ 15 min + 2 min settle + the load ≈ 18 min).
  warehouse_load      = { mode = "scheduled", interval_minutes = 15 }
  interface_endpoints = ["ecr.api", "ecr.dkr", "logs", "sts", "secretsmanager"]

  log_retention_days       = 90
  audit_log_retention_days = 731
  deletion_protection      = true
  log_level                = "INFO"

  tags = module.naming.tags
}
