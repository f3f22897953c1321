# The workbench module: a closed user pool with the auditors group, an append-only access log,
# and the page behind CloudFront with a strict content-security policy.

mock_provider "aws" {
  mock_resource "aws_cognito_user_pool" {
    defaults = { id = "eu-west-1_Mock12345", arn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Mock12345" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::riskline-dev-workbench-page-123456789012", bucket_regional_domain_name = "riskline-dev-workbench-page-123456789012.s3.eu-west-1.amazonaws.com" }
  }
  mock_resource "aws_cloudfront_distribution" {
    defaults = { arn = "arn:aws:cloudfront::123456789012:distribution/EMOCK0000000", domain_name = "d111111abcdef8.cloudfront.net" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/riskline-dev-workbench-access-log" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  name                  = "riskline-dev-workbench"
  access_log_table_name = "riskline-dev-workbench-access-log"
  kms_key_arn           = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111"
  sign_in               = { domain_prefix = "riskline-dev-auditors" }
  site = {
    bucket_name     = "riskline-dev-workbench-page-123456789012"
    api_domain_name = "abc123defg.execute-api.eu-west-1.amazonaws.com"
    api_stage_name  = "v1"
    page_dir        = "tests/page"
  }
}

run "closed_pool_auditors_group_and_page_behind_cloudfront" {
  command = apply

  assert {
    condition     = aws_cognito_user_pool.this.admin_create_user_config[0].allow_admin_create_user_only && aws_cognito_user_pool.this.mfa_configuration == "ON"
    error_message = "Only administrators create auditors, and MFA is required."
  }

  assert {
    condition     = aws_cognito_user_group.auditors.name == "auditors" && aws_cognito_user_group.auditors.user_pool_id == aws_cognito_user_pool.this.id
    error_message = "The auditors group is in the pool."
  }

  assert {
    condition     = !aws_cognito_user_pool_client.page.generate_secret && aws_cognito_user_pool_client.page.allowed_oauth_flows == toset(["code"]) && aws_cognito_user_pool_client.page.callback_urls == toset(["https://d111111abcdef8.cloudfront.net/"])
    error_message = "The page is a public client (code + PKCE) that returns only to its own origin."
  }

  assert {
    condition     = aws_dynamodb_table.access_log.point_in_time_recovery[0].enabled && aws_dynamodb_table.access_log.server_side_encryption[0].kms_key_arn == var.kms_key_arn
    error_message = "The access log is encrypted with the data key and recoverable."
  }

  assert {
    condition     = strcontains(aws_cloudfront_response_headers_policy.site[0].security_headers_config[0].content_security_policy[0].content_security_policy, "script-src 'self'") && !strcontains(aws_cloudfront_response_headers_policy.site[0].security_headers_config[0].content_security_policy[0].content_security_policy, "unsafe-inline")
    error_message = "The content-security policy allows only the page's own scripts, never inline ones."
  }

  assert {
    condition     = strcontains(aws_cloudfront_response_headers_policy.site[0].security_headers_config[0].content_security_policy[0].content_security_policy, "connect-src 'self' https://riskline-dev-auditors.auth.eu-west-1.amazoncognito.com")
    error_message = "The page may call only its own origin and the sign-in domain."
  }

  assert {
    condition     = toset([for o in aws_cloudfront_distribution.site[0].origin : o.origin_id if o.origin_access_control_id == aws_cloudfront_origin_access_control.site[0].id]) == toset(["workbench-page"])
    error_message = "CloudFront reads the bucket through its origin access control."
  }

  assert {
    condition     = toset([for b in aws_cloudfront_distribution.site[0].ordered_cache_behavior : b.cache_policy_id if b.path_pattern == "/workbench/*"]) == toset(["4135ea2d-6df8-44a3-9df3-4b5a84be39ad"])
    error_message = "API answers (with PII) are never cached by CloudFront."
  }

  assert {
    condition     = toset(keys(aws_s3_object.page)) == toset(["index.html", "app.js"])
    error_message = "Every file of the page is uploaded with its content type (config.json is written by Terraform)."
  }

  assert {
    condition     = jsondecode(aws_s3_object.config[0].content).signIn.clientId == aws_cognito_user_pool_client.page.id
    error_message = "The page's config names the public client."
  }
}

run "without_a_site_only_the_pool_and_the_log" {
  command = plan

  variables {
    site = null
  }

  assert {
    condition     = length(aws_cloudfront_distribution.site) == 0 && length(aws_s3_bucket.site) == 0 && output.url == null
    error_message = "No site, no bucket or distribution."
  }
}

run "a_reserved_word_in_the_domain_prefix_is_refused" {
  command = plan

  variables {
    sign_in = { domain_prefix = "riskline-cognito" }
  }

  expect_failures = [var.sign_in]
}
