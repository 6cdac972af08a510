"""The package's tree is its pipeline: each module imports only modules of its own layer
or the layers below it, and no import cycle exists (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "clusterreports"

# Lowest first. A module may import its own layer and those below it, never above.
LAYERS = [
    {"version", "problems", "cache", "tuning", "escape"},
    {"content"},
    {"config"},
    {"site"},
    {"outputs"},
    {"pipeline"},
    {"authoring", "preview"},
    {"cli", "__init__", "__main__"},
]


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def _modules() -> dict[str, Path]:
    return {_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's own modules that ``name`` imports (at any depth in the file)."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    if name == "__init__":
        here = []
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = here[: len(here) - (node.level - 1)]
            target = [*base, *(node.module.split(".") if node.module else [])]
            for alias in node.names:
                candidate = ".".join([*target, alias.name])
                if candidate in known:
                    found.add(candidate)
                elif ".".join(target) in known:
                    found.add(".".join(target))
                elif not target:
                    found.add("__init__")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("clusterreports"):
            rest = node.module.split(".")[1:] if node.module else []
            found.add(".".join(rest) if ".".join(rest) in known else "__init__")
    found.discard(name)
    return found


def _layer(module: str) -> int:
    head = module.split(".")[0]
    return next(i for i, layer in enumerate(LAYERS) if head in layer)


GRAPH = {name: _imports(name, path, set(_modules())) for name, path in _modules().items()}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_point_down_the_pipeline(module: str) -> None:
    upward = sorted(t for t in GRAPH[module] if _layer(t) > _layer(module))
    assert not upward, f"{module} imports {upward}, which sit above it"


def test_no_import_cycle() -> None:
    # Tarjan's strongly connected components: any component of more than one module,
    # or a module importing itself, is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    assert not cycles, f"import cycles: {cycles}"


def test_every_stage_has_its_module() -> None:
    for stage in (
        "content.load",
        "content.validate",
        "content.registry",
        "site.plan",
        "site.render",
        "site.write",
        "pipeline",
    ):
        assert stage in GRAPH
