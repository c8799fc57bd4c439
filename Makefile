# The two commands of the README:
#   make repro   set up everything, then run the whole pipeline (dvc repro)
#   make test    set up everything, then run the test suite
VENV := .venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export DVC_NO_ANALYTICS := 1

.PHONY: setup repro test lab clean-outputs

setup:
	@bash scripts/setup.sh

repro: setup
	dvc repro
	@echo "report: reports/report.html and reports/report.pdf"

test: setup
	bash scripts/test.sh

lab: setup
	jupyter lab notebooks/
