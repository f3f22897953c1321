# The auditors' workbench: the user pool, its access log table, the page behind CloudFront, and
# what the API function needs for it (the access log table, the review-queue index). Wired here,
# in its own file, so the rest of the stack reads as before.

variable "workbench" {
  description = "The auditors' workbench: on/off, the hosted sign-in's domain prefix (default <name_prefix>-auditors), extra sign-in callback origins, and whether to serve the page from S3 + CloudFront (off where the page is served otherwise, as in the local stack)."
  type = object({
    enabled                = optional(bool, true)
    domain_prefix          = optional(string)
    extra_callback_origins = optional(list(string), [])
    site                   = optional(bool, true)
    site_web_acl_arn       = optional(string)
    auditor_group          = optional(string, "auditors")
  })
  default = {}
}

locals {
  workbench_enabled = var.workbench.enabled
  workbench_names = {
    pool        = "${local.p}-workbench"
    access_log  = "${local.p}-workbench-access-log"
    site_bucket = "${local.p}-workbench-page-${var.account_id}"
    domain      = coalesce(var.workbench.domain_prefix, "${local.p}-auditors")
  }

  # The API function reads the review queue from its index and appends to the access log (put and
  # query only: nothing logged can be changed or deleted).
  workbench_statements = local.workbench_enabled ? [
    { Sid = "ReviewQueueIndex", Effect = "Allow", Action = ["dynamodb:Query"], Resource = [module.application_store.review_queue_index_arn] },
    { Sid = "WorkbenchAccessLog", Effect = "Allow", Action = ["dynamodb:PutItem", "dynamodb:Query"], Resource = [module.workbench[0].access_log_table_arn] },
  ] : []

  workbench_environment = local.workbench_enabled ? {
    WORKBENCH_ACCESS_LOG_TABLE = module.workbench[0].access_log_table_name
    WORKBENCH_AUDITOR_GROUP    = module.workbench[0].auditor_group
  } : {}
}

module "workbench" {
  source = "../modules/workbench"
  count  = local.workbench_enabled ? 1 : 0

  name                  = local.workbench_names.pool
  access_log_table_name = local.workbench_names.access_log
  kms_key_arn           = module.data_key.key_arn
  auditor_group         = var.workbench.auditor_group

  sign_in = {
    domain_prefix          = local.workbench_names.domain
    extra_callback_origins = var.workbench.extra_callback_origins
  }

  site = var.workbench.site ? {
    bucket_name     = local.workbench_names.site_bucket
    api_domain_name = module.api.domain_name
    api_stage_name  = module.api.stage_name
    page_dir        = "${path.module}/../../workbench"
    web_acl_arn     = var.workbench.site_web_acl_arn
  } : null

  deletion_protection = var.deletion_protection
  force_destroy       = var.force_destroy
  tags                = local.tags
}

output "workbench" {
  description = "The workbench: page URL (null without the site), user pool and page client ids, sign-in domain, access log table (null when the workbench is off)."
  value = local.workbench_enabled ? {
    url                   = module.workbench[0].url
    user_pool_id          = module.workbench[0].user_pool_id
    client_id             = module.workbench[0].client_id
    sign_in_domain        = module.workbench[0].sign_in_domain
    auditor_group         = module.workbench[0].auditor_group
    access_log_table_name = module.workbench[0].access_log_table_name
  } : null
}
