# The page: static files in a private S3 bucket, read by CloudFront through an origin access
# control; the API's /workbench/* routes are a second origin of the same distribution, so the page
# calls its own origin (no CORS) and the content-security policy allows nothing else but the
# sign-in domain.

locals {
  site_count = var.site == null ? 0 : 1
  content_types = {
    html = "text/html; charset=utf-8"
    css  = "text/css; charset=utf-8"
    js   = "text/javascript; charset=utf-8"
    json = "application/json"
    png  = "image/png"
    svg  = "image/svg+xml"
    ico  = "image/x-icon"
  }
  page_files = var.site == null ? toset([]) : toset([for f in fileset(var.site.page_dir, "**") : f if contains(keys(local.content_types), reverse(split(".", f))[0]) && f != "config.json"])

  # No inline script or style, no eval, no framing, no other origin but the sign-in's token endpoint.
  content_security_policy = join("; ", [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self' https://${local.cognito_domain}",
    "form-action 'self' https://${local.cognito_domain}",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ])

  # AWS managed policies (IDs are global constants).
  caching_optimized_policy_id      = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  caching_disabled_policy_id       = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  all_viewer_except_host_policy_id = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
  api_origin_id                    = "workbench-api"
  site_origin_id                   = "workbench-page"
}

resource "aws_s3_bucket" "site" {
  #checkov:skip=CKV_AWS_144:The page is built from the repository (workbench/); a replica would copy files any apply rewrites.
  #checkov:skip=CKV_AWS_18:The bucket holds only the static page; every data access goes through the API, whose access logs and the workbench access log record it.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events of the page's files.
  #checkov:skip=CKV_AWS_145:Static page files, no data; SSE-S3 lets CloudFront's origin access control read them without a KMS grant to the service.
  count = local.site_count

  bucket        = var.site.bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "site" {
  count  = local.site_count
  bucket = aws_s3_bucket.site[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "site" {
  count                   = local.site_count
  bucket                  = aws_s3_bucket.site[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "site" {
  count  = local.site_count
  bucket = aws_s3_bucket.site[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "site" {
  count  = local.site_count
  bucket = aws_s3_bucket.site[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "site" {
  count  = local.site_count
  bucket = aws_s3_bucket.site[0].id

  rule {
    id     = "old-page-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.site]
}

data "aws_iam_policy_document" "site" {
  count = local.site_count

  statement {
    sid       = "CloudFrontReadsThePage"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.site[0].arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.site[0].arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.site[0].arn, "${aws_s3_bucket.site[0].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "site" {
  count  = local.site_count
  bucket = aws_s3_bucket.site[0].id
  policy = data.aws_iam_policy_document.site[0].json

  depends_on = [aws_s3_bucket_public_access_block.site]
}

resource "aws_s3_object" "page" {
  for_each = local.page_files

  bucket       = aws_s3_bucket.site[0].id
  key          = each.value
  source       = "${var.site.page_dir}/${each.value}"
  etag         = filemd5("${var.site.page_dir}/${each.value}")
  content_type = local.content_types[reverse(split(".", each.value))[0]]
}

# What the page needs to know to sign in; nothing secret (a public client has no secret).
resource "aws_s3_object" "config" {
  count = local.site_count

  bucket       = aws_s3_bucket.site[0].id
  key          = "config.json"
  content_type = "application/json"
  content = jsonencode({
    signIn = {
      kind     = "cognito"
      domain   = "https://${local.cognito_domain}"
      clientId = aws_cognito_user_pool_client.page.id
    }
    api = "/workbench"
  })
}

resource "aws_cloudfront_origin_access_control" "site" {
  count = local.site_count

  name                              = "${var.name}-page"
  description                       = "CloudFront reads the workbench page from its bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_response_headers_policy" "site" {
  count = local.site_count

  name    = "${var.name}-strict"
  comment = "Strict CSP and security headers for the auditors' workbench"

  security_headers_config {
    content_security_policy {
      content_security_policy = local.content_security_policy
      override                = true
    }

    strict_transport_security {
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }

    content_type_options {
      override = true
    }

    frame_options {
      frame_option = "DENY"
      override     = true
    }

    referrer_policy {
      referrer_policy = "no-referrer"
      override        = true
    }
  }

  custom_headers_config {
    items {
      header   = "Permissions-Policy"
      value    = "camera=(), microphone=(), geolocation=(), payment=()"
      override = true
    }
  }
}

resource "aws_cloudfront_distribution" "site" {
  #checkov:skip=CKV_AWS_86:CloudFront standard logs need an ACL-enabled bucket (this project's buckets enforce owner-only objects); every data request is logged by the API's access log and the workbench access log.
  #checkov:skip=CKV_AWS_310:One page and one API origin; an origin group cannot fail over POST requests, and the page is useless without its API.
  #checkov:skip=CKV_AWS_374:Auditors work from anywhere the business does; sign-in and the auditors group gate access, not geography.
  #checkov:skip=CKV_AWS_68:A CloudFront web ACL must live in us-east-1: pass site.web_acl_arn (the API behind it keeps its regional WAF).
  #checkov:skip=CKV2_AWS_47:See CKV_AWS_68: the web ACL (with the Log4j rule set) is passed in as site.web_acl_arn.
  #checkov:skip=CKV2_AWS_42:The default CloudFront certificate serves the distribution's own domain; a custom domain and its ACM certificate are an environment's choice.
  #checkov:skip=CKV_AWS_174:With the default CloudFront certificate the minimum protocol is fixed by CloudFront; a custom certificate would set TLSv1.2_2021.
  count = local.site_count

  enabled             = true
  comment             = "${var.name}: the auditors' workbench"
  default_root_object = "index.html"
  price_class         = var.site.price_class
  is_ipv6_enabled     = true
  http_version        = "http2and3"
  web_acl_id          = var.site.web_acl_arn
  tags                = var.tags

  origin {
    origin_id                = local.site_origin_id
    domain_name              = aws_s3_bucket.site[0].bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.site[0].id
  }

  origin {
    origin_id   = local.api_origin_id
    domain_name = var.site.api_domain_name
    origin_path = "/${var.site.api_stage_name}"

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id           = local.site_origin_id
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    viewer_protocol_policy     = "redirect-to-https"
    compress                   = true
    cache_policy_id            = local.caching_optimized_policy_id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.site[0].id
  }

  # The API: never cached (answers carry PII and must be fresh); the Authorization header and the
  # query string reach API Gateway, the Host header does not (API Gateway wants its own).
  ordered_cache_behavior {
    path_pattern               = "/workbench/*"
    target_origin_id           = local.api_origin_id
    allowed_methods            = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods             = ["GET", "HEAD"]
    viewer_protocol_policy     = "https-only"
    compress                   = true
    cache_policy_id            = local.caching_disabled_policy_id
    origin_request_policy_id   = local.all_viewer_except_host_policy_id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.site[0].id
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
