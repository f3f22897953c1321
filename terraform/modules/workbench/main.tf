# The auditors' sign-in: a Cognito user pool (administrators create auditors; no self sign-up),
# the auditors group the API checks, and a public app client for the page (authorization code with
# PKCE, no secret in a browser). Tokens carry `cognito:groups`.

data "aws_region" "current" {}

locals {
  cognito_domain = "${var.sign_in.domain_prefix}.auth.${data.aws_region.current.name}.amazoncognito.com"
  site_origin    = var.site == null ? [] : ["https://${aws_cloudfront_distribution.site[0].domain_name}"]
  origins        = concat(local.site_origin, var.sign_in.extra_callback_origins)
}

resource "aws_cognito_user_pool" "this" {
  name                     = var.name
  deletion_protection      = var.deletion_protection ? "ACTIVE" : "INACTIVE"
  user_pool_tier           = "PLUS" # advanced security (compromised credentials, adaptive auth) needs it
  mfa_configuration        = "ON"
  auto_verified_attributes = ["email"]
  username_attributes      = ["email"]

  admin_create_user_config {
    allow_admin_create_user_only = true
  }

  software_token_mfa_configuration {
    enabled = true
  }

  password_policy {
    minimum_length                   = 14
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 3
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  user_pool_add_ons {
    advanced_security_mode = "ENFORCED"
  }

  tags = var.tags
}

resource "aws_cognito_user_group" "auditors" {
  name         = var.auditor_group
  user_pool_id = aws_cognito_user_pool.this.id
  description  = "May use the auditors' workbench: see applications in full and record decisions."
}

resource "aws_cognito_user_pool_domain" "this" {
  domain       = var.sign_in.domain_prefix
  user_pool_id = aws_cognito_user_pool.this.id
}

resource "aws_cognito_user_pool_client" "page" {
  name         = "${var.name}-page"
  user_pool_id = aws_cognito_user_pool.this.id

  # The hosted sign-in redirects back only to the page's own origins (none: no hosted sign-in).
  generate_secret                      = false
  allowed_oauth_flows_user_pool_client = length(local.origins) > 0
  allowed_oauth_flows                  = length(local.origins) > 0 ? ["code"] : null
  allowed_oauth_scopes                 = length(local.origins) > 0 ? ["openid", "email"] : null
  supported_identity_providers         = ["COGNITO"]
  callback_urls                        = length(local.origins) > 0 ? [for o in local.origins : "${o}/"] : null
  logout_urls                          = length(local.origins) > 0 ? [for o in local.origins : "${o}/"] : null
  explicit_auth_flows                  = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors        = "ENABLED"
  enable_token_revocation              = true

  id_token_validity      = var.sign_in.id_token_minutes
  access_token_validity  = var.sign_in.access_token_minutes
  refresh_token_validity = var.sign_in.refresh_token_hours

  token_validity_units {
    id_token      = "minutes"
    access_token  = "minutes"
    refresh_token = "hours"
  }
}

# ---------------------------------------------------------------- access log

# Who viewed which application when, and each decision made in the workbench: put only (the
# function's role has no update or delete on it), no applicant data (docs/CONTRACTS.md).
resource "aws_dynamodb_table" "access_log" {
  name                        = var.access_log_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "entry"
  range_key                   = "at"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "entry"
    type = "S"
  }

  attribute {
    name = "at"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}
