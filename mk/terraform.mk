# Terraform checks (tests/terraform/, pytest driving the terraform binary, checkov and python-hcl2).

TEST_PREREQS += .venv-checkov/.installed

.PHONY: tf-check tf-fmt

tf-check: $(VENV)/.installed .venv-checkov/.installed ## terraform fmt/validate/test, checkov, policy scoping and the moto apply of envs/local
	$(PY) -m pytest tests/terraform

tf-fmt: ## rewrite terraform/ in canonical format (terraform fmt -recursive)
	terraform fmt -recursive terraform
