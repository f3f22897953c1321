terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Remote state with S3-native locking (use_lockfile). The bucket, key and region come from
  # backend.hcl: terraform init -backend-config=backend.hcl (see terraform/README.md).
  backend "s3" {
    encrypt      = true
    use_lockfile = true
  }
}
