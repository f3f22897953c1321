"""riskline on one machine: `emulator` (the AWS pieces, on moto) and `demo` (the workload that drives them)."""
