# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Each installs what is missing (system packages with apt-get, Python packages with uv) first.

UV := python3 -m uv
export UV_LINK_MODE := copy

.PHONY: demo test setup system-deps venv messages lint typecheck test-sqlite test-postgres clean

demo: setup
	$(UV) run tiaki demo

test: setup
	bash scripts/test.sh

setup: system-deps venv messages

system-deps:
	bash scripts/system-deps.sh

venv:
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen --quiet

messages:
	$(UV) run tiaki compilemessages --ignore '.venv' --verbosity 0

lint:
	$(UV) run ruff check src tests benchmarks
	$(UV) run ruff format --check src tests benchmarks

typecheck:
	$(UV) run mypy src

test-sqlite: setup
	bash scripts/test.sh sqlite

test-postgres: setup
	bash scripts/test.sh postgres

clean:
	rm -rf .venv var .pytest_cache .mypy_cache
