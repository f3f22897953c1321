output "name_prefix" {
  description = "<project>-<environment>: every resource is named <name_prefix>-<role>."
  value       = local.name_prefix
}

output "tags" {
  description = "The tag map of every resource: extra_tags plus Project, Environment and ManagedBy."
  value       = local.tags
}
