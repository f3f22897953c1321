# The dev root refuses bad input (names and wiring are checked in stack/tests).

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  dist_dir = "../../tests/fixtures/packages"
}

run "dev_root_refuses_another_environment" {
  command = plan

  variables {
    environment = "prod"
  }

  expect_failures = [var.environment]
}

run "unknown_alarm_address_is_refused" {
  command = plan

  variables {
    alarm_emails = ["not-an-address"]
  }

  expect_failures = [var.alarm_emails]
}
