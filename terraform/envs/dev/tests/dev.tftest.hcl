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

# Every input validation in one plan, each fed its own bad value: each listed check must fail
# (a validation that stopped firing fails this run as a missing expected failure).
run "each_invalid_input_is_refused_by_its_own_validation" {
  command = plan

  variables {
    # dev root refuses another environment
    environment = "prod"
    # unknown alarm address is refused
    alarm_emails = ["not-an-address"]
  }

  expect_failures = [var.environment, var.alarm_emails]
}
