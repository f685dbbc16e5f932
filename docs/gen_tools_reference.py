"""Generate docs/tools-reference.md from the tool catalog.

Source of truth: ``contracts.tools`` (names, argument models, aliases). When
the asset-data service is importable, its OpenAPI adds each tool's summary
and description as served at ``/openapi.json``; without it the reference is
still complete (arguments come from the contract either way).

    python docs/gen_tools_reference.py            # rewrite the file
    python docs/gen_tools_reference.py --check    # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from contracts import CONTRACT_VERSION  # noqa: E402
from contracts.tools import TOOL_ALIASES, TOOL_ARGS, family_of  # noqa: E402
from contracts.upstream import UPSTREAM_ARGUMENTS, UPSTREAM_TOOLS, conformance  # noqa: E402

OUT = ROOT / "docs" / "tools-reference.md"
FAMILY_TITLES = {
    "iot": "IoT telemetry",
    "utilities": "Utilities",
    "fmsr": "Failure modes and sensor relations (FMSR)",
    "tsfm": "Time-series foundation-model analytics (TSFM)",
    "wo": "Work orders and events (WO)",
}
# Where the service's FastAPI app may live; the first importable one is used.
APP_CANDIDATES = (
    ("services.assetdata.app", "create_app"),
    ("services.assetdata.app", "app"),
    ("services.assetdata.server", "create_app"),
    ("services.assetdata.main", "app"),
)


def service_openapi() -> dict[str, Any] | None:
    """The service's OpenAPI document, or None when it cannot be imported."""
    for module_name, attr in APP_CANDIDATES:
        try:
            module = importlib.import_module(module_name)
        except Exception:  # noqa: BLE001 - optional enrichment, any import failure = skip
            continue
        target = getattr(module, attr, None)
        if target is None:
            continue
        try:
            app = target() if inspect.isfunction(target) else target
            return app.openapi()
        except Exception:  # noqa: BLE001
            continue
    return None


def _type_of(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "enum" in schema:
        return " \\| ".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    if "anyOf" in schema:
        parts = [_type_of(s, defs) for s in schema["anyOf"] if s.get("type") != "null"]
        nullable = any(s.get("type") == "null" for s in schema["anyOf"])
        return " \\| ".join(parts) + (" \\| null" if nullable else "")
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list[{_type_of(schema.get('items', {}), defs)}]"
    return {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}.get(
        kind, str(kind)
    )


def _constraints(schema: dict[str, Any]) -> str:
    marks = []
    for key, sym in (
        ("minimum", "≥"),
        ("exclusiveMinimum", ">"),
        ("maximum", "≤"),
        ("exclusiveMaximum", "<"),
    ):
        if key in schema:
            marks.append(f"{sym} {schema[key]}")
    if "minLength" in schema or "maxLength" in schema:
        lo, hi = schema.get("minLength", 0), schema.get("maxLength")
        marks.append(f"{lo}..{hi} chars" if hi is not None else f"≥ {lo} chars")
    return ", ".join(marks)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def argument_rows(model: type) -> list[str]:
    schema = model.model_json_schema()
    props: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    defs = schema.get("$defs", {})
    rows = []
    for name, prop in props.items():
        default = "" if name in required else f"`{json.dumps(prop.get('default'))}`"
        rows.append(
            f"| `{name}` | {_type_of(prop, defs)} | {'yes' if name in required else 'no'} "
            f"| {default} | {_cell(_constraints(prop))} |"
        )
    return rows


def openapi_operation(openapi: dict[str, Any] | None, tool: str) -> dict[str, Any]:
    if not openapi:
        return {}
    family, name = tool.split(".", 1)
    return (openapi.get("paths", {}).get(f"/{family}/{name}") or {}).get("post") or {}


def _doc_of(model: type) -> str:
    doc = inspect.getdoc(model) or ""
    inherited = {inspect.getdoc(base) for base in model.__mro__[1:]}
    return "" if doc in inherited else doc


def error_responses(openapi: dict[str, Any] | None) -> list[tuple[str, str]]:
    """Union of the non-2xx responses the tool operations document."""
    if not openapi:
        return []
    seen: dict[str, str] = {}
    for tool in TOOL_ARGS:
        for status, resp in (openapi_operation(openapi, tool).get("responses") or {}).items():
            if not status.startswith("2") and status not in seen:
                seen[status] = str(resp.get("description") or "")
    return sorted(seen.items())


def family_descriptions() -> dict[str, str]:
    try:
        from services.assetdata.app import FAMILY_DOCS
    except Exception:  # noqa: BLE001 - optional enrichment
        return {}
    return dict(FAMILY_DOCS)


def render(openapi: dict[str, Any] | None) -> str:
    family_docs = family_descriptions() if openapi else {}
    lines = [
        "# Tool reference",
        "",
        "<!-- Generated by `python docs/gen_tools_reference.py` from contracts/tools.py"
        + (" and the asset-data service's OpenAPI" if openapi else "")
        + ". Do not edit by hand. -->",
        "",
        f"Agent contract version {CONTRACT_VERSION}. Every tool is reachable two ways on "
        "`$ASSETOPS_API_URL` inside the sandbox (and on `python -m services.assetdata "
        "--port N` locally):",
        "",
        "- **REST**: `POST /{family}/{tool}` with the arguments as a JSON object "
        "(unknown fields are rejected with 422).",
        "- **MCP** (streamable HTTP): the server at `/mcp/{family}/` exposes a tool of the "
        "same name with the same arguments.",
        "",
        "In evaluation (server or `assetops validate`) every call must carry the header "
        "`X-Run-Token: $ASSETOPS_RUN_TOKEN`; see the [agent contract](agent-contract.md). "
        "What each tool returns, with examples: [the asset-data service](tools.md).",
        "",
        'Conventions: `asset_id` is an asset\'s name as listed by `iot.assets` ("Chiller 6"); '
        '`asset_num` / `equipment_id` is the equipment id ("CWC04006"). Names may be '
        'aliases: assets ("CH-6", "chiller no. 6", "the York machine in Central Plant B1"), '
        'sites ("the main campus") and sensors written "<alias> <kind>" ("CH-6 Tonnage") '
        "are resolved by every tool, results carry canonical names, and `iot.assets` / "
        "`iot.get_asset` list each asset's `aliases`. Timestamps are ISO "
        "8601, naive, plant local time. Bulk results carry a `dataset_id` accepted by the TSFM "
        "tools and `utilities.json_reader`. Errors are JSON with a stable `code`; the server "
        "records every call (the evaluator trusts that log, not the agent's trajectory).",
        "",
        "| tool | REST | MCP server |",
        "| --- | --- | --- |",
    ]
    for tool in TOOL_ARGS:
        family, name = tool.split(".", 1)
        lines.append(
            f"| [`{tool}`](#{tool.replace('.', '')}) | `POST /{family}/{name}` | `/mcp/{family}/` |"
        )
    lines.append("")
    current_family = None
    for tool, model in TOOL_ARGS.items():
        family, name = tool.split(".", 1)
        if family != current_family:
            current_family = family
            lines += [f"## {FAMILY_TITLES.get(family, family)}", ""]
            if family_docs.get(family):
                lines += [family_docs[family], ""]
        op = openapi_operation(openapi, tool)
        lines += [f"### {tool}", ""]
        summary = op.get("summary") or ""
        description = op.get("description") or _doc_of(model)
        for text in (summary, description):
            if text and text != tool and text not in lines:
                lines += [text.strip(), ""]
        lines += [f"REST `POST /{family}/{name}` · MCP tool `{name}` on `/mcp/{family}/`", ""]
        rows = argument_rows(model)
        if rows:
            lines += [
                "| argument | type | required | default | constraints |",
                "| --- | --- | --- | --- | --- |",
                *rows,
                "",
            ]
        else:
            lines += ["No arguments (send `{}`).", ""]
    errors = error_responses(openapi)
    if errors:
        lines += [
            "## Errors",
            "",
            "Errors are `application/problem+json` objects (`type`, `title`, `status`, `code`, "
            "`detail`, optional `details`); switch on `code`, not on the wording. Statuses the "
            "service documents:",
            "",
            "| status | when |",
            "| --- | --- |",
            *[f"| {status} | {_cell(text)} |" for status, text in errors],
            "",
        ]
    if TOOL_ALIASES:
        lines += [
            "## Aliases",
            "",
            "AssetOpsBench tool names accepted as aliases (REST and MCP), so agents written "
            "for that benchmark transfer:",
            "",
            "| alias | tool |",
            "| --- | --- |",
        ]
        for alias, target in TOOL_ALIASES.items():
            lines.append(f"| `{alias}` | [`{target}`](#{target.replace('.', '')}) |")
        lines.append("")
    lines += conformance_section()
    families = sorted({family_of(t) for t in TOOL_ARGS})
    lines += [f"_{len(TOOL_ARGS)} tools in {len(families)} families: {', '.join(families)}._", ""]
    return "\n".join(lines)


def conformance_section() -> list[str]:
    """AssetOpsBench conformance (issue 20): every upstream tool and what this service does."""
    lines = [
        "## AssetOpsBench conformance",
        "",
        "Agents written for AssetOpsBench's current MCP servers (IoT, FMSR, utilities, WO) "
        "run here unchanged: the upstream tool names and argument names are accepted on the "
        "same MCP servers (`/mcp/{family}/`) and REST routes, over the same plant. The tool log "
        "records the **canonical** tool and arguments each call stands for, so an upstream-style "
        "call scores exactly as the canonical call (e.g. `sensor_stats(..., end=E)` is logged as "
        "`iot.history` with `final=E`). Arguments upstream has and this service ignores are "
        "listed in the reply's `ignored_arguments`. *same*: same name (upstream arguments "
        "accepted); *alias*: another name for the canonical tool; *not offered*: see why.",
        "",
        "| family | upstream tool | upstream arguments | here | tool here | notes |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for c in conformance():
        ours = f"`{c.ours}`" if c.ours else "-"
        lines.append(
            f"| {c.family} | `{c.tool}` | {_cell(c.arguments)} | {c.status} | {ours} "
            f"| {_cell(c.note)} |"
        )
    lines += [
        "",
        "Upstream argument names accepted by tools of the same name:",
        "",
        "| tool | upstream argument | canonical argument |",
        "| --- | --- | --- |",
    ]
    for tool, names in UPSTREAM_ARGUMENTS.items():
        for name, target in names.items():
            lines.append(f"| `{tool}` | `{name}` | {f'`{target}`' if target else 'ignored'} |")
    lines += [
        "",
        "`iot.history` paging: a reply carries `returned`, `has_more` and `next_cursor`; "
        "repeat the same query with `cursor=next_cursor` for the next page (upstream's "
        "contract). `limit` is 1-1000 (default 1000 when any upstream argument is used). Without "
        "`start` the stream is read from its first reading; without `end` (and without "
        "`start`) to its last; one call reads at most 92 days of raw data and `has_more` "
        "continues past them. The log records each page as `iot.history` with `start`, `final`, "
        "`page` and `page_size`.",
        "",
        "Arguments of the upstream tools served under another name:",
        "",
    ]
    for alias, (target, model) in UPSTREAM_TOOLS.items():
        family, name = alias.split(".", 1)
        lines += [
            f"### {alias}",
            "",
            f"{_doc_of(model)} Logged as [`{target}`](#{target.replace('.', '')}). "
            f"REST `POST /{family}/{name}` · MCP tool `{name}` on `/mcp/{family}/`",
            "",
        ]
        rows = argument_rows(model)
        if rows:
            lines += [
                "| argument | type | required | default | constraints |",
                "| --- | --- | --- | --- | --- |",
                *rows,
                "",
            ]
        else:
            lines += ["No arguments (send `{}`).", ""]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    parser.add_argument("--no-openapi", action="store_true", help="contract only")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    text = render(None if args.no_openapi else service_openapi())
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is stale: run python docs/gen_tools_reference.py", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(TOOL_ARGS)} tools)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
