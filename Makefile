# The two set-up commands are `make run` and `make test` (see README.md).
LCV := .venv/bin/lcv
PYTEST_ARGS ?=

.PHONY: run test venv lint typecheck ci-postgres

venv:
	@scripts/ensure-venv

run: venv
	@scripts/debian-packages run
	@$(LCV) migrate --noinput -v 0
	@$(LCV) create_seal_certificate -v 0
	@$(LCV) demo
	@echo ""
	@echo "LCV-portaal: http://127.0.0.1:8000  (e-mail viewer: http://127.0.0.1:8000/dev/mail/)  Ctrl-C stops."
	@$(LCV) serve 127.0.0.1:8000

test: venv
	@scripts/debian-packages test
	@.venv/bin/pytest $(PYTEST_ARGS)

lint: venv
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench
	.venv/bin/lint-imports

typecheck: venv
	.venv/bin/mypy src
