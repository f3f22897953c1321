"""riskline's drift monitor: the lake's recent applications against the serving model's training baseline."""
