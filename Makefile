# The two set-up commands are `make run` and `make test` (see README.md).
LCV := .venv/bin/lcv
PYTEST_ARGS ?=
# `make run PORT=8123`: serve on another port. SITE_URL (links in e-mails) follows it unless set.
PORT ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test venv lint typecheck ci-postgres

venv:
	@scripts/ensure-venv

run: export SITE_URL := $(SITE_URL)
run: venv
	@scripts/debian-packages run
	@$(LCV) migrate --noinput -v 0
	@$(LCV) create_seal_certificate -v 0
	@$(LCV) demo
	@echo ""
	@echo "LCV-portaal: http://127.0.0.1:$(PORT)  (e-mail viewer: http://127.0.0.1:$(PORT)/dev/mail/)  Ctrl-C stops."
	@$(LCV) serve 127.0.0.1:$(PORT)

test: venv
	@scripts/debian-packages test
	@.venv/bin/pytest $(PYTEST_ARGS)

lint: venv
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench
	.venv/bin/lint-imports

typecheck: venv
	.venv/bin/mypy src
