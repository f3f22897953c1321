# The same stack as dev and prod, applied to a moto server on loopback: fake credentials, every
# service endpoint pointed at var.aws_endpoint, and toggles for what moto cannot emulate.

provider "aws" {
  region                      = var.region
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {
    apigateway             = var.aws_endpoint
    applicationautoscaling = var.aws_endpoint
    cloudtrail             = var.aws_endpoint
    cloudwatch             = var.aws_endpoint
    cognitoidp             = var.aws_endpoint
    dynamodb               = var.aws_endpoint
    ec2                    = var.aws_endpoint
    ecr                    = var.aws_endpoint
    glue                   = var.aws_endpoint
    iam                    = var.aws_endpoint
    kms                    = var.aws_endpoint
    lambda                 = var.aws_endpoint
    logs                   = var.aws_endpoint
    redshiftserverless     = var.aws_endpoint
    s3                     = var.aws_endpoint
    sagemaker              = var.aws_endpoint
    scheduler              = var.aws_endpoint
    secretsmanager         = var.aws_endpoint
    sns                    = var.aws_endpoint
    sqs                    = var.aws_endpoint
    sts                    = var.aws_endpoint
    wafv2                  = var.aws_endpoint
  }
}

data "aws_caller_identity" "current" {}

# The naming rule (<project>-<environment>-<role>) and the tag map, from their one definition.
module "naming" {
  source = "../../modules/naming"

  project     = var.project
  environment = var.environment
}

module "riskline" {
  source = "../../stack"

  project     = var.project
  environment = var.environment
  name_prefix = module.naming.name_prefix
  account_id  = data.aws_caller_identity.current.account_id
  region      = var.region
  partition   = "aws"
  dist_dir    = var.dist_dir

  image_tag     = "local"
  model_version = var.model_version

  # moto has no Redshift Serverless (DuckDB stands in), no tag listing for application auto
  # scaling targets, and fails DescribeQueryDefinitions (saved Logs Insights queries).
  enable_saved_queries  = false
  enable_warehouse      = false
  warehouse_duckdb_path = var.warehouse_duckdb_path
  # A load a minute, settling 2 s; the demo also runs one load itself before it reconciles.
  warehouse_load       = { mode = "scheduled", interval_minutes = 1, settle_seconds = 2 }
  endpoint_autoscaling = { enabled = false }
  # moto's instance-type list stops at the c5 generation.
  endpoint_variant = { type = "instance", instance_type = "ml.c5.large", initial_instance_count = 1 }

  # Region-wide singletons (Glue catalog encryption, API Gateway logging role): moto does not
  # keep the catalog encryption settings.
  manage_account_singletons = false

  # moto has no CloudFront response headers policy: the local stack serves the workbench page
  # itself (`make up`), with the same content-security policy, in front of the same API routes.
  workbench = { site = false }

  # Throw-away: destroy removes everything at once.
  deletion_protection = false
  force_destroy       = true

  tags = module.naming.tags
}
