# Alarms on the endpoint. They watch the endpoint by name (not by resource reference) so the
# endpoint can list them as its automatic-rollback alarms.

locals {
  alarm_actions = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
  dimensions    = { EndpointName = var.name, VariantName = local.variant_name }

  alarms = {
    model-latency-p99 = {
      description        = "p99 model latency (both containers) above ${var.alarm_thresholds.model_latency_p99_ms} ms"
      metric_name        = "ModelLatency"
      extended_statistic = "p99"
      statistic          = null
      threshold          = var.alarm_thresholds.model_latency_p99_ms * 1000 # microseconds
    }
    invocation-5xx = {
      description        = "Endpoint answered 5xx"
      metric_name        = "Invocation5XXErrors"
      extended_statistic = null
      statistic          = "Sum"
      threshold          = var.alarm_thresholds.errors_5xx
    }
    invocation-4xx = {
      description        = "Endpoint answered many 4xx (bad payloads from the etl)"
      metric_name        = "Invocation4XXErrors"
      extended_statistic = null
      statistic          = "Sum"
      threshold          = var.alarm_thresholds.errors_4xx
    }
    model-errors = {
      description        = "A container answered an error to an invocation"
      metric_name        = "InvocationModelErrors"
      extended_statistic = null
      statistic          = "Sum"
      threshold          = var.alarm_thresholds.model_errors
    }
  }

  # The alarms that roll a blue/green deployment back.
  rollback_alarm_names = [for k in ["model-latency-p99", "invocation-5xx", "model-errors"] : "${var.name}-${k}"]
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/SageMaker"
  metric_name         = each.value.metric_name
  dimensions          = local.dimensions
  statistic           = each.value.statistic
  extended_statistic  = each.value.extended_statistic
  period              = 60
  evaluation_periods  = var.alarm_thresholds.evaluation_periods
  datapoints_to_alarm = var.alarm_thresholds.evaluation_periods
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}
