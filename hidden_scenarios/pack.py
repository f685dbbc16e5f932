"""Scenario packs: the scenario content of a deployment, outside the engine.

A pack is a directory (or a ``.tar.gz`` of one) holding ``pack.yaml`` and
template files::

    pack.yaml            name, version, plant_seed, description, visibility,
                         surface rules, the template files (in order) and
                         optional Python modules with extra kinds
    templates/*.yaml     entries binding phrasings, instance counts and a
                         parameter filter to a ground-truth kind
    kinds/*.py           (optional) modules defining ``KINDS``: Template
                         subclasses for logic the declarative form cannot say

The engine computes every expected answer, plan and evidence from the plant
through the kind; the pack only says how the task is worded and how many of
each there are. The pack's digest (sha256 over every file's path and bytes)
goes with every score. docs/scenarios.md is the authoring guide.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import posixpath
import string
import tarfile
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import yaml

from hidden_scenarios.surface import Surface
from hidden_scenarios.templates.base import Template

PUBLIC_PACK_PATH = Path(__file__).resolve().parents[1] / "packs" / "public"
MAX_PACK_BYTES = 32 * 1024 * 1024
MAX_PACK_FILES = 2000
Visibility = Literal["public", "secret"]
_PACK_KEYS = {
    "name",
    "version",
    "description",
    "plant_seed",
    "visibility",
    "public_seed",
    "surface",
    "templates",
    "modules",
}
_ENTRY_KEYS = {"id", "kind", "instances", "phrasings", "where", "surface"}
_FORMATTER = string.Formatter()


class PackError(ValueError):
    """A pack that cannot be used: ``code`` is stable; the message names the
    file, the template and the field."""

    def __init__(
        self, code: str, message: str, *, file: str = "", template: str = "", field: str = ""
    ):
        self.code = code
        self.file = file
        self.template = template
        self.field = field
        where = ", ".join(
            part
            for part in (
                file and f"file {file}",
                template and f"template {template!r}",
                field and f"field {field}",
            )
            if part
        )
        super().__init__(f"{where + ': ' if where else ''}{message} [{code}]")


# ---- files -------------------------------------------------------------------
def _dir_files(root: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith(".") or part == "__pycache__" for part in rel.split("/")):
            continue
        if rel.split("/")[0] == "proposals":  # the paraphrase assistant's, unreviewed
            continue
        if path.is_symlink():
            raise PackError("link_in_pack", "a pack may not hold links", file=rel)
        if path.is_dir():
            continue
        if not path.is_file():
            raise PackError("special_file", "a pack holds regular files only", file=rel)
        data = path.read_bytes()
        total += len(data)
        files[rel] = data
        if total > MAX_PACK_BYTES or len(files) > MAX_PACK_FILES:
            raise PackError(
                "pack_too_large",
                f"a pack holds at most {MAX_PACK_BYTES} bytes in {MAX_PACK_FILES} files",
            )
    return files


def _tar_files(path: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                parts = PurePosixPath(member.name).parts
                if member.name.startswith("/") or ".." in parts:
                    raise PackError("unsafe_path", "member outside the pack", file=member.name)
                name = posixpath.normpath(member.name)  # "./a/b" -> "a/b"
                if member.isdir() or name == ".":
                    continue
                if not member.isfile():
                    raise PackError(
                        "link_in_pack", "a pack holds regular files only", file=member.name
                    )
                total += member.size
                if total > MAX_PACK_BYTES or len(files) >= MAX_PACK_FILES:
                    raise PackError(
                        "pack_too_large",
                        f"a pack holds at most {MAX_PACK_BYTES} bytes in {MAX_PACK_FILES} files",
                    )
                if name in files:
                    raise PackError("duplicate_member", "the archive names a file twice", file=name)
                extracted = tar.extractfile(member)
                files[name] = extracted.read() if extracted else b""
    except (tarfile.TarError, OSError, EOFError) as e:
        raise PackError("unreadable_pack", f"{path}: {e}") from None
    # A pack archived with its directory: strip the one top-level folder.
    tops = {n.split("/", 1)[0] for n in files}
    if "pack.yaml" not in files and len(tops) == 1:
        top = tops.pop() + "/"
        files = {n[len(top) :]: b for n, b in files.items()}
    return files


def read_files(path: Path) -> dict[str, bytes]:
    """Every file of a pack (directory or .tar.gz), by relative posix path."""
    if path.is_dir():
        files = _dir_files(path)
    elif path.is_file() and path.name.endswith((".tar.gz", ".tgz")):
        files = _tar_files(path)
    elif path.exists():
        raise PackError("not_a_pack", f"{path} is neither a directory nor a .tar.gz")
    else:
        raise PackError("pack_not_found", f"{path} does not exist")
    if "pack.yaml" not in files:
        raise PackError("no_manifest", f"{path} has no pack.yaml at its top", file="pack.yaml")
    return files


def digest_of(files: dict[str, bytes]) -> str:
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return "sha256:" + h.hexdigest()


# ---- the pack ------------------------------------------------------------------
@dataclass
class Pack:
    name: str
    version: str
    description: str
    plant_seed: int
    visibility: Visibility
    public_seed: str
    digest: str
    source: str  # where it was loaded from (a path; never shown to participants)
    templates: list[Template] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict, repr=False)

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"

    @property
    def is_public(self) -> bool:
        return self.visibility == "public"

    def template(self, template_id: str) -> Template | None:
        return self.by_id.get(template_id)

    @property
    def by_id(self) -> dict[str, Template]:
        return {t.id: t for t in self.templates}

    def texts(self) -> list[str]:
        """Every phrasing of the pack (for canary scans of images, logs, db)."""
        return [p for t in self.templates for p in t.phrasings]

    def resurfaced(self, salt: str) -> Pack:
        """The same pack with entity forms drawn anew (same scenarios, same
        answers; only how varied entities are written changes)."""
        templates = [
            t.bind(
                id=t.id,
                phrasings=t.phrasings,
                public_n=t.public_n,
                hidden_n=t.hidden_n,
                where=t.where,
                surface=dataclasses.replace(t.surface or Surface(), salt=salt),
            )
            for t in self.templates
        ]
        return dataclasses.replace(self, templates=templates, digest=f"{self.digest}+{salt}")

    def record(self) -> dict[str, str]:
        """What a score records about the pack it was computed on."""
        return {"name": self.name, "version": self.version, "digest": self.digest}


def _yaml(files: dict[str, bytes], name: str) -> Any:
    try:
        return yaml.safe_load(files[name].decode("utf-8"))
    except KeyError:
        raise PackError(
            "missing_file", "listed in pack.yaml but not in the pack", file=name
        ) from None
    except (UnicodeDecodeError, yaml.YAMLError) as e:
        raise PackError("unparsable_file", str(e).replace("\n", " "), file=name) from None


def _mapping(value: Any, *, file: str, template: str = "", field: str = "") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PackError(
            "bad_shape", "expected a mapping", file=file, template=template, field=field
        )
    return value


def _surface(value: Any, base: Surface, *, file: str, template: str = "") -> Surface:
    if value is None:
        return base
    value = _mapping(value, file=file, template=template, field="surface")
    unknown = set(value) - {"assets", "dates"}
    if unknown:
        raise PackError(
            "unknown_field",
            f"unknown surface rule {sorted(unknown)[0]!r}",
            file=file,
            template=template,
            field="surface",
        )
    out = {"assets": base.assets, "dates": base.dates}
    for key, mode in value.items():
        if mode not in ("canonical", "varied"):
            raise PackError(
                "bad_value",
                "must be 'canonical' or 'varied'",
                file=file,
                template=template,
                field=f"surface.{key}",
            )
        out[key] = mode
    return Surface(**out)


def _load_modules(files: dict[str, bytes], names: list[Any], digest: str) -> dict[str, Template]:
    """Kinds from the pack's Python modules (the operator's own code: it
    runs in the worker like the engine, so only trusted packs are mounted)."""
    kinds: dict[str, Template] = {}
    for i, name in enumerate(names):
        if not isinstance(name, str) or not name.endswith(".py"):
            raise PackError(
                "bad_value",
                "a module is a .py file of the pack",
                file="pack.yaml",
                field=f"modules[{i}]",
            )
        if name not in files:
            raise PackError("missing_file", "listed in pack.yaml but not in the pack", file=name)
        module = types.ModuleType(f"arena_pack_{digest[7:19]}_{PurePosixPath(name).stem}")
        module.__file__ = name
        try:
            exec(compile(files[name], name, "exec"), module.__dict__)  # noqa: S102 - operator code
        except Exception as e:
            raise PackError("module_error", f"{type(e).__name__}: {e}", file=name) from None
        declared = module.__dict__.get("KINDS")
        if not isinstance(declared, list | tuple):
            raise PackError(
                "module_error",
                "a kinds module defines KINDS = [Template subclasses]",
                file=name,
                field="KINDS",
            )
        for cls in declared:
            if not (isinstance(cls, type) and issubclass(cls, Template)):
                raise PackError(
                    "module_error", f"{cls!r} is not a Template subclass", file=name, field="KINDS"
                )
            kinds[cls.id] = cls()
    return kinds


def engine_kinds() -> dict[str, Template]:
    from hidden_scenarios.templates import KINDS

    return KINDS


def _entry(
    raw: Any, file: str, index: int, kinds: dict[str, Template], surface: Surface
) -> Template:
    entry = _mapping(raw, file=file, field=f"templates[{index}]")
    tid = entry.get("id")
    if not isinstance(tid, str) or not tid.strip():
        raise PackError(
            "missing_field", "every template has an id", file=file, field=f"templates[{index}].id"
        )
    unknown = set(entry) - _ENTRY_KEYS
    if unknown:
        raise PackError(
            "unknown_field",
            f"unknown field {sorted(unknown)[0]!r}",
            file=file,
            template=tid,
            field=sorted(unknown)[0],
        )
    kind_id = entry.get("kind", tid)
    kind = kinds.get(kind_id)
    if kind is None:
        raise PackError(
            "unknown_kind",
            f"no ground-truth kind {kind_id!r} (see docs/scenarios.md)",
            file=file,
            template=tid,
            field="kind",
        )
    phrasings = entry.get("phrasings")
    if not isinstance(phrasings, list) or not phrasings:
        raise PackError(
            "missing_field",
            "a template needs at least one phrasing",
            file=file,
            template=tid,
            field="phrasings",
        )
    for i, text in enumerate(phrasings):
        if not isinstance(text, str) or not text.strip():
            raise PackError(
                "bad_value",
                "a phrasing is a non-empty string",
                file=file,
                template=tid,
                field=f"phrasings[{i}]",
            )
        try:
            names = {f for _, f, _, _ in _FORMATTER.parse(text) if f is not None}
        except ValueError as e:
            raise PackError(
                "bad_phrasing", str(e), file=file, template=tid, field=f"phrasings[{i}]"
            ) from None
        bad = sorted(n for n in names if n not in kind.slots)
        if bad:
            raise PackError(
                "unknown_slot",
                f"{{{bad[0]}}} is not a slot of kind {kind_id} (slots: {', '.join(kind.slots)})",
                file=file,
                template=tid,
                field=f"phrasings[{i}]",
            )
    if len(set(phrasings)) != len(phrasings):
        raise PackError(
            "duplicate_phrasing",
            "a phrasing is listed twice",
            file=file,
            template=tid,
            field="phrasings",
        )
    counts = _mapping(entry.get("instances", {}), file=file, template=tid, field="instances")
    if set(counts) - {"public", "hidden"}:
        raise PackError(
            "unknown_field",
            "instances has 'public' and 'hidden' only",
            file=file,
            template=tid,
            field="instances",
        )
    public_n, hidden_n = counts.get("public", 0), counts.get("hidden", 0)
    for key, n in (("public", public_n), ("hidden", hidden_n)):
        if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= 1000:
            raise PackError(
                "bad_value",
                "an instance count is an integer in 0..1000",
                file=file,
                template=tid,
                field=f"instances.{key}",
            )
    where_raw = _mapping(entry.get("where", {}), file=file, template=tid, field="where")
    where = {k: tuple(v) if isinstance(v, list) else (v,) for k, v in where_raw.items()}
    return kind.bind(
        id=tid,
        phrasings=tuple(phrasings),
        public_n=public_n,
        hidden_n=hidden_n,
        where=where,
        surface=_surface(entry.get("surface"), surface, file=file, template=tid),
    )


def parse_pack(files: dict[str, bytes], source: str) -> Pack:
    digest = digest_of(files)
    meta = _mapping(_yaml(files, "pack.yaml"), file="pack.yaml")
    unknown = set(meta) - _PACK_KEYS
    if unknown:
        raise PackError(
            "unknown_field",
            f"unknown field {sorted(unknown)[0]!r}",
            file="pack.yaml",
            field=sorted(unknown)[0],
        )
    for key in ("name", "version"):
        if not isinstance(meta.get(key), str | int | float) or not str(meta[key]).strip():
            raise PackError(
                "missing_field", f"pack.yaml needs a {key}", file="pack.yaml", field=key
            )
    plant_seed = meta.get("plant_seed")
    if not isinstance(plant_seed, int) or isinstance(plant_seed, bool):
        raise PackError(
            "missing_field",
            "pack.yaml needs an integer plant_seed",
            file="pack.yaml",
            field="plant_seed",
        )
    visibility = meta.get("visibility", "secret")
    if visibility not in ("public", "secret"):
        raise PackError(
            "bad_value", "visibility is 'public' or 'secret'", file="pack.yaml", field="visibility"
        )
    surface = _surface(meta.get("surface"), Surface(), file="pack.yaml")
    kinds = dict(engine_kinds())
    modules = meta.get("modules") or []
    if not isinstance(modules, list):
        raise PackError(
            "bad_shape", "modules is a list of .py files", file="pack.yaml", field="modules"
        )
    for kid, kind in _load_modules(files, modules, digest).items():
        if kid in kinds:
            raise PackError(
                "duplicate_kind",
                f"kind {kid!r} already exists in the engine",
                file="pack.yaml",
                field="modules",
            )
        kinds[kid] = kind
    listed = meta.get("templates")
    if listed is None:
        listed = sorted(n for n in files if n.startswith("templates/") and n.endswith(".yaml"))
    if not isinstance(listed, list) or not listed:
        raise PackError(
            "missing_field",
            "a pack lists at least one template file",
            file="pack.yaml",
            field="templates",
        )
    templates: list[Template] = []
    seen: dict[str, str] = {}
    for name in listed:
        doc = _mapping(_yaml(files, str(name)), file=str(name))
        entries = doc.get("templates")
        if not isinstance(entries, list):
            raise PackError(
                "bad_shape",
                "a template file holds a 'templates' list",
                file=str(name),
                field="templates",
            )
        for i, raw in enumerate(entries):
            t = _entry(raw, str(name), i, kinds, surface)
            if t.id in seen:
                raise PackError(
                    "duplicate_id",
                    f"template id already used in {seen[t.id]}",
                    file=str(name),
                    template=t.id,
                    field="id",
                )
            seen[t.id] = str(name)
            templates.append(t)
    return Pack(
        name=str(meta["name"]).strip(),
        version=str(meta["version"]).strip(),
        description=str(meta.get("description") or "").strip(),
        plant_seed=plant_seed,
        visibility=visibility,
        public_seed=str(meta.get("public_seed") or "public-v1"),
        digest=digest,
        source=source,
        templates=templates,
        files=files,
    )


_CACHE: dict[tuple[str, str], Pack] = {}


def load_pack(path: str | Path | None = None) -> Pack:
    """The pack at ``path`` (None: the public pack). Files are read on every
    call (the digest is how a changed pack is noticed); parsing is memoised
    by digest."""
    p = Path(path) if path is not None else PUBLIC_PACK_PATH
    files = read_files(p)
    key = (str(p), digest_of(files))
    if key not in _CACHE:
        _CACHE[key] = parse_pack(files, str(p))
    return _CACHE[key]


def load_archive_bytes(data: bytes, source: str = "<bytes>") -> Pack:
    """A pack from the bytes of a .tar.gz (tests, previews)."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".tar.gz") as f:
        f.write(data)
        f.flush()
        return parse_pack(read_files(Path(f.name)), source)


def archive(files: dict[str, bytes]) -> bytes:
    """A reproducible .tar.gz of pack files (``pack export``)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size = len(files[name])
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(files[name]))
    return buf.getvalue()


Loader = Callable[[str | Path | None], Pack]
