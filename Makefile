# AssetOps Arena — operator and developer entry points.
#   make demo     whole stack on this machine + baseline agent scored
#   make test     the full test suite (what .ci/run calls)
#   make deploy   operator deploy (OFFLINE=1: air-gapped build, the default here)
# See README.md and docs/operator-guide.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Air-gapped by default: this project's build hosts reach no container
# registry. OFFLINE=0 builds on python:3.11-slim / postgres:16 / redis:7.
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
export IMAGE BASE_IMAGE POSTGRES_IMAGE REDIS_IMAGE OFFLINE
# The legacy builder: Debian's docker.io has no buildx, and it honours --network none.
DOCKER_BUILD := DOCKER_BUILDKIT=0 docker build $(BUILD_NETWORK) --label org.assetops.arena=1
PYTHON ?= .venv/bin/python

.PHONY: help
help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

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
	BASE_IMAGE=$(BASE_IMAGE) PYTHON=$(PYTHON) bash deploy/offline/build-wheelhouse.sh

.PHONY: image
image: wheelhouse ## build the server image (api, worker, beat, assetdata sidecar)
	$(DOCKER_BUILD) --build-arg BASE_IMAGE=$(BASE_IMAGE) -t $(IMAGE) . 2>&1 \
	  | grep -v -E 'DEPRECATED|legacy builder|BuildKit|buildx|environment-variable|^ *$$'; \
	  exit $${PIPESTATUS[0]}
	@docker image inspect $(IMAGE) --format '$(IMAGE): {{.Size}} bytes' 
