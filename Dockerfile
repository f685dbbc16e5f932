# One image for every server role: api, worker, beat, migrate and the
# asset-data service (also the per-submission sidecar the worker starts with
# network none). Roles: see deploy/image/entrypoint.sh.
#
# Online:     docker build -t assetops-arena:latest .
# Air-gapped: make image   (BASE_IMAGE=arena-base:bookworm, --network none,
#             Python deps from ./wheelhouse built on the host)
ARG BASE_IMAGE=python:3.11-slim

# ---- deps: a venv with the locked runtime dependencies ------------------
FROM ${BASE_IMAGE} AS deps
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
# The glob keeps an online build working without a wheelhouse: with wheels
# present we install --no-index from them (offline), otherwise from the index.
COPY requirements.lock pyproject.toml /build/
COPY deploy/offline/runtime-requirements.py wheelhouse* /wheelhouse/
RUN set -eu; \
    python3 -m venv /opt/venv; \
    python3 /wheelhouse/runtime-requirements.py /build/pyproject.toml > /build/runtime.txt; \
    if ls /wheelhouse/*.whl >/dev/null 2>&1; then src="--no-index --find-links /wheelhouse"; else src=""; fi; \
    /opt/venv/bin/pip install --quiet $src -c /build/requirements.lock -r /build/runtime.txt; \
    /opt/venv/bin/pip check; \
    find /opt/venv -name '__pycache__' -prune -exec rm -rf {} +; \
    /opt/venv/bin/python -m compileall -q -j 0 /opt/venv/lib >/dev/null || true

# ---- plant: the simulated plant cache, built once at image build ----------
# Only the code that generates the plant is copied, so editing the api or the
# worker does not rebuild the cache.
FROM deps AS plant
WORKDIR /app
COPY services/__init__.py services/settings.py services/
COPY services/assetdata/ services/assetdata/
COPY contracts/ contracts/
# world-readable: sidecars may run under another uid than the image's user
RUN /opt/venv/bin/python -m services.assetdata --build-cache-only \
    && chmod -R a+rX services/assetdata/cache

# ---- src: the application code, without the wheelhouse -------------------
FROM deps AS src
WORKDIR /app
COPY . /app/
RUN rm -rf /app/wheelhouse /app/services/assetdata/cache \
    && /opt/venv/bin/python -m compileall -q -j 0 /app >/dev/null

# ---- runtime ------------------------------------------------------------
FROM ${BASE_IMAGE} AS runtime
# tini reaps zombies and forwards signals; arena-base ships it, slim does not.
RUN command -v tini >/dev/null || { apt-get update -qq \
      && apt-get install -y -qq --no-install-recommends tini \
      && rm -rf /var/lib/apt/lists/*; }
ARG ARENA_UID=10001
RUN useradd --system --uid ${ARENA_UID} --user-group --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin arena \
    && mkdir -p /var/lib/arena/uploads && chown -R arena:arena /var/lib/arena
COPY --from=deps /opt/venv /opt/venv
WORKDIR /app
COPY --from=src /app/ /app/
COPY --from=plant /app/services/assetdata/cache/ /app/services/assetdata/cache/
RUN install -m 0755 deploy/image/entrypoint.sh /usr/local/bin/arena-entrypoint
ENV PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PYTHONPATH=/app PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 LANG=C.UTF-8 \
    ARENA_DATA_DIR=/var/lib/arena \
    LITELLM_LOCAL_MODEL_COST_MAP=True
# LITELLM_LOCAL_MODEL_COST_MAP: litellm otherwise fetches its price list from
# the internet at import time; servers and sidecars must never phone out.
LABEL org.assetops.arena=1 org.assetops.arena.role=server \
      org.opencontainers.image.title="AssetOps Arena"
# The engine version every score records (services/version.py): the git
# revision, passed by `make image`; a bare `docker build` records "unknown".
# Last, so a new revision rebuilds only this metadata layer.
ARG ENGINE_REVISION=unknown
ENV ARENA_ENGINE_REVISION=${ENGINE_REVISION}
LABEL org.opencontainers.image.revision=${ENGINE_REVISION}
USER arena
EXPOSE 8000
ENTRYPOINT ["tini", "--", "arena-entrypoint"]
CMD ["api"]
