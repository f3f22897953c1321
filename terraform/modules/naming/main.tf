# The naming rule and the tag map, in one place: every environment root reads both from here (the
# provider's default_tags and the stack's inputs), so no root builds them itself.

locals {
  name_prefix = "${var.project}-${var.environment}"

  tags = merge(var.extra_tags, {
    Project     = var.project
    Environment = var.environment
    ManagedBy   = "terraform"
  })
}
