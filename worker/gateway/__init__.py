"""LLM gateway: agents call an OpenAI-compatible endpoint on 127.0.0.1 in
their sandbox (served by the sidecar's forwarder,
``services/assetdata/gateway_forwarder.py``), which relays over a unix
socket the worker controls to ``server.GatewayServer`` (runs in the worker
process, holds the operator's provider keys through litellm, enforces
per-run keys and token budgets, records usage)."""
