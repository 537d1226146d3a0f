# The two commands of the README:
#   make run    set everything up and run the main job on the embedded defaults
#   make test   set everything up and run the whole test suite (.ci/run calls this)

PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

# Prefect in local mode, no telemetry, state kept in the repo.
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED = false
export DO_NOT_TRACK = 1

.PHONY: setup run test browser clean

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

setup: .venv/.synced

run: setup
	.venv/bin/curate ingest examples/sources.toml

# Debian's Chromium for the browser tests (no browser download works here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
			|| echo "warning: could not install chromium; browser tests will be skipped"; \
		else echo "warning: /usr/bin/chromium missing and not root; browser tests will be skipped"; fi; \
	fi

test: setup browser
	.venv/bin/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf .venv .tools .prefect curate.sqlite raw/*[!p] curated/*[!p]
