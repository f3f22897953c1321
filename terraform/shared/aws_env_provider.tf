# The provider, account lookups and naming of the AWS environment roots (envs/dev, envs/prod), which
# link this file in as provider.tf.

provider "aws" {
  region              = var.region
  allowed_account_ids = length(var.allowed_account_ids) > 0 ? var.allowed_account_ids : null

  default_tags {
    tags = module.naming.tags
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

# The naming rule (<project>-<environment>-<role>) and the tag map, from their one definition.
module "naming" {
  source = "../../modules/naming"

  project     = var.project
  environment = var.environment
  extra_tags  = var.tags
}
