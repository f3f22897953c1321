output "vpc_id" {
  description = "VPC id."
  value       = aws_vpc.this.id
}

output "private_subnet_ids" {
  description = "Private subnet ids, one per availability zone."
  value       = aws_subnet.private[*].id
}

output "warehouse_security_group_id" {
  description = "Security group of the Redshift Serverless workgroup."
  value       = aws_security_group.warehouse.id
}

output "endpoint_security_group_id" {
  description = "Security group of the SageMaker endpoint."
  value       = aws_security_group.endpoint.id
}

output "vpc_endpoint_ids" {
  description = "Interface and gateway VPC endpoint ids by service."
  value       = merge({ s3 = aws_vpc_endpoint.s3.id }, { for k, v in aws_vpc_endpoint.interface : k => v.id })
}
