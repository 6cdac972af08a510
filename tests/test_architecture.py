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


def _type_only(tree: ast.Module) -> set[ast.AST]:
    """The imports under ``if TYPE_CHECKING:``: they name types for mypy and run never."""
    found: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in {
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        }:
            found.update(n for child in node.body for n in ast.walk(child))
    return found


def _imports(name: str, path: Path, known: set[str], *, runtime_only: bool = False) -> set[str]:
    """The package's own modules that ``name`` imports (at any depth in the file; with
    ``runtime_only``, leaving out those imported for type checking alone)."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    if name == "__init__":
        here = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_only(tree) if runtime_only else set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if node in skipped:
            continue
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
RUNTIME_GRAPH = {
    name: _imports(name, path, set(_modules()), runtime_only=True)
    for name, path in _modules().items()
}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_point_down_the_pipeline(module: str) -> None:
    upward = sorted(t for t in GRAPH[module] if _layer(t) > _layer(module))
    assert not upward, f"{module} imports {upward}, which sit above it"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components: any component of more than one module
    is a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_import_cycle() -> None:
    assert not _cycles(RUNTIME_GRAPH), f"import cycles: {_cycles(RUNTIME_GRAPH)}"


def _package(module: str) -> str:
    return module.rpartition(".")[0]


def test_type_only_imports_close_loops_inside_one_package() -> None:
    """Views of records name each other's types (an event's sessions, a session's
    event), which mypy needs imported: ``if TYPE_CHECKING:`` may close such a loop, but
    only among the modules of one package, never across stages."""
    wide = [c for c in _cycles(GRAPH) if len({_package(m) for m in c}) > 1]
    assert not wide, f"import cycles across packages: {wide}"


def test_views_import_downwards_at_run_time() -> None:
    """The views' modules in the order they may import each other when run: a module
    imports only those before it, so each can be read knowing only what precedes it."""
    order = [
        "site.views.format",
        "site.views.labels",
        "site.views.base",
        "site.views.awards",
        "site.views.calls",
        "site.views.polls",
        "site.views.reports",
        "site.views.events",
        "site.views.people",
        "site.views.site",
        "site.views",
    ]
    assert sorted(order) == sorted(m for m in GRAPH if m.startswith("site.views"))
    upward = [
        (module, target)
        for position, module in enumerate(order)
        for target in RUNTIME_GRAPH[module]
        if target in order and order.index(target) >= position
    ]
    assert not upward, f"views importing upwards: {upward}"


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


def test_views_export_every_class_and_function() -> None:
    """``from .views import X`` works for every view and helper its modules define, so
    no caller reaches into a module of the package (httpx keeps its ``__all__`` so)."""
    from clusterreports.site import views

    defined = {
        node.name
        for path in (PACKAGE / "site" / "views").glob("*.py")
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and not node.name.startswith("_")
    }
    assert defined - set(views.__all__) == set()
    assert all(hasattr(views, name) for name in views.__all__)
