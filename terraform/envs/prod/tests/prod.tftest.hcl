# The prod root refuses bad input (names and wiring are checked in stack/tests).

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "210987654321" }
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
    # prod root refuses another environment
    environment = "dev"
    # mutable latest tag is refused
    image_tag = "latest"
    # bad account id is refused
    allowed_account_ids = ["12345"]
  }

  expect_failures = [var.environment, var.image_tag, var.allowed_account_ids]
}
