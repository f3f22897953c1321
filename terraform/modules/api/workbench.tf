# The auditors' workbench routes (/workbench/...), on the same API and function as the channel
# routes, behind a Cognito user-pool authorizer: API Gateway refuses a missing or invalid token
# with 401; the function checks the auditors group (403). Kept in this file so the channel routes
# in main.tf stay about channels. null `workbench` leaves them out.

variable "workbench" {
  description = "The workbench routes' Cognito user pool (its ARN); null leaves the routes out."
  type = object({
    user_pool_arn = string
  })
  default = null

  validation {
    condition     = var.workbench == null || can(regex("^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:[0-9]{12}:userpool/[A-Za-z0-9_-]+$", var.workbench.user_pool_arn))
    error_message = "workbench.user_pool_arn must be a Cognito user pool ARN."
  }
}

locals {
  workbench_routes = var.workbench == null ? {} : {
    workbench_queue       = { resource = "queue", method = "GET", path_id = false }
    workbench_stats       = { resource = "stats", method = "GET", path_id = false }
    workbench_application = { resource = "application", method = "GET", path_id = true }
    workbench_decision    = { resource = "decision", method = "POST", path_id = true }
  }

  workbench_resource_ids = var.workbench == null ? {} : {
    queue       = aws_api_gateway_resource.workbench_queue[0].id
    stats       = aws_api_gateway_resource.workbench_stats[0].id
    application = aws_api_gateway_resource.workbench_application[0].id
    decision    = aws_api_gateway_resource.workbench_decision[0].id
  }

  # Folded into the deployment's redeployment trigger (main.tf).
  workbench_redeployment = [
    local.workbench_routes,
    [for m in aws_api_gateway_method.workbench : m.id],
    [for i in aws_api_gateway_integration.workbench : i.id],
  ]
}

resource "aws_api_gateway_authorizer" "workbench" {
  count = var.workbench == null ? 0 : 1

  name            = "${var.name}-workbench"
  rest_api_id     = aws_api_gateway_rest_api.this.id
  type            = "COGNITO_USER_POOLS"
  provider_arns   = [var.workbench.user_pool_arn]
  identity_source = "method.request.header.Authorization"
}

resource "aws_api_gateway_resource" "workbench" {
  count       = var.workbench == null ? 0 : 1
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "workbench"
}

resource "aws_api_gateway_resource" "workbench_queue" {
  count       = var.workbench == null ? 0 : 1
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.workbench[0].id
  path_part   = "queue"
}

resource "aws_api_gateway_resource" "workbench_stats" {
  count       = var.workbench == null ? 0 : 1
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.workbench[0].id
  path_part   = "stats"
}

resource "aws_api_gateway_resource" "workbench_applications" {
  count       = var.workbench == null ? 0 : 1
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.workbench[0].id
  path_part   = "applications"
}

resource "aws_api_gateway_resource" "workbench_application" {
  count       = var.workbench == null ? 0 : 1
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.workbench_applications[0].id
  path_part   = "{id}"
}

resource "aws_api_gateway_resource" "workbench_decision" {
  count       = var.workbench == null ? 0 : 1
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.workbench_application[0].id
  path_part   = "decision"
}

resource "aws_api_gateway_method" "workbench" {
  for_each = local.workbench_routes

  rest_api_id          = aws_api_gateway_rest_api.this.id
  resource_id          = local.workbench_resource_ids[each.value.resource]
  http_method          = each.value.method
  authorization        = "COGNITO_USER_POOLS"
  authorizer_id        = aws_api_gateway_authorizer.workbench[0].id
  api_key_required     = false
  operation_name       = each.key
  request_validator_id = aws_api_gateway_request_validator.this.id
  request_parameters   = each.value.path_id ? { "method.request.path.id" = true } : null
}

resource "aws_api_gateway_integration" "workbench" {
  for_each = local.workbench_routes

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = local.workbench_resource_ids[each.value.resource]
  http_method             = aws_api_gateway_method.workbench[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.function_invoke_arn
  timeout_milliseconds    = 29000
}

output "workbench_authorizer_id" {
  description = "The workbench routes' Cognito authorizer (null without the workbench)."
  value       = var.workbench == null ? null : aws_api_gateway_authorizer.workbench[0].id
}

output "domain_name" {
  description = "The API's execute-api host name (<id>.execute-api.<region>.amazonaws.com)."
  value       = "${aws_api_gateway_rest_api.this.id}.execute-api.${data.aws_region.current.name}.amazonaws.com"
}
