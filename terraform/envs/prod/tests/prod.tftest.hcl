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

run "prod_root_refuses_another_environment" {
  command = plan

  variables {
    environment = "dev"
  }

  expect_failures = [var.environment]
}

run "mutable_latest_tag_is_refused" {
  command = plan

  variables {
    image_tag = "latest"
  }

  expect_failures = [var.image_tag]
}

run "bad_account_id_is_refused" {
  command = plan

  variables {
    allowed_account_ids = ["12345"]
  }

  expect_failures = [var.allowed_account_ids]
}
