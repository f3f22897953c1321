# Per-function Lambda zips (tools/package.py), per-function deployment and the cold-start benchmark.
# FN=<name> limits a target to one function (a folder of functions/).

.PHONY: package

package: $(VENV)/.installed ## build dist/<fn>.zip for every function (FN=etl for one) and print each size
	$(PY) tools/package.py $(FN)
