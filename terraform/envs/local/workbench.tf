# The auditors' workbench (docs/CONTRACTS.md, "Auditors' workbench"): in its own file beside the
# contract outputs, so adding it changed none of them.

output "workbench" {
  description = "The workbench: url (null where the page is served otherwise), user_pool_id, client_id, sign_in_domain, auditor_group, access_log_table_name."
  value       = module.riskline.workbench
}
