variable "name" {
  description = "Name of the namespace and workgroup (<project>-<environment>-warehouse)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]{3,64}$", var.name))
    error_message = "name must be 3-64 lowercase letters, digits or hyphens."
  }
}

variable "database_name" {
  description = "Database created in the namespace (contract REDSHIFT_DATABASE)."
  type        = string
  default     = "riskline"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,126}$", var.database_name))
    error_message = "database_name must start with a letter or underscore and hold lowercase letters, digits or underscores."
  }
}

variable "admin_username" {
  description = "Admin user; its password is generated and kept by Redshift in Secrets Manager."
  type        = string
  default     = "riskline_admin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,127}$", var.admin_username)) && !contains(["admin", "rdsadmin", "public"], var.admin_username)
    error_message = "admin_username must start with a letter, be lowercase, and not be a reserved name."
  }
}

variable "kms_key_arn" {
  description = "Key encrypting the namespace and its managed admin secret."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "subnet_ids" {
  description = "Private subnets of the workgroup (three availability zones in most regions)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must list at least two subnets."
  }
}

variable "security_group_ids" {
  description = "Security groups of the workgroup."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) >= 1
    error_message = "security_group_ids must list at least one group."
  }
}

variable "base_capacity" {
  description = "Base RPU capacity (8-1024 in steps of 8)."
  type        = number
  default     = 8

  validation {
    condition     = var.base_capacity >= 8 && var.base_capacity <= 1024 && var.base_capacity % 8 == 0
    error_message = "base_capacity must be a multiple of 8 between 8 and 1024."
  }
}

variable "max_capacity" {
  description = "Ceiling of RPUs the workgroup may scale to (a cost guard)."
  type        = number
  default     = 32

  validation {
    condition     = var.max_capacity >= 8 && var.max_capacity <= 5632 && var.max_capacity % 8 == 0
    error_message = "max_capacity must be a multiple of 8 between 8 and 5632."
  }
}

variable "lake_bucket_arn" {
  description = "Lake bucket the load role may read (COPY)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::", var.lake_bucket_arn))
    error_message = "lake_bucket_arn must be an S3 bucket ARN."
  }
}

variable "lake_prefix" {
  description = "Prefix of the lake the load role may read."
  type        = string
  default     = "applications"
}

variable "manifest_prefix" {
  description = "Prefix of the COPY manifests the load role may also read (the scheduled loader's; null: none)."
  type        = string
  default     = null

  validation {
    condition     = var.manifest_prefix == null || can(regex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", var.manifest_prefix))
    error_message = "manifest_prefix must be null or a key prefix without leading or trailing slashes."
  }
}

variable "lake_kms_key_arn" {
  description = "Key of the lake objects (the load role decrypts with it)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.lake_kms_key_arn))
    error_message = "lake_kms_key_arn must be a KMS key ARN."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
