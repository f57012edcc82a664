"""The simulators' import graph has no cycle, counting every import there is.

Each module under `simulators/` is parsed with `ast`, never imported, so imports inside
functions and under `if TYPE_CHECKING:` count as much as those at the top. A module depends on
every simulators module it names and on the packages above both (their `__init__` runs first),
so a package that re-exports one of its own modules would close a cycle too.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDORS = ("simulators.genway", "simulators.gensail", "simulators.interviewrelay")
MAX_LINES = 250


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources() -> dict[str, Path]:
    return {module_name(path): path for path in sorted((ROOT / "simulators").rglob("*.py"))}


def with_ancestors(dotted: str) -> list[str]:
    parts = dotted.split(".")
    return [".".join(parts[:index]) for index in range(1, len(parts) + 1)]


def named_imports(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every dotted name an import statement anywhere in `tree` may load."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing module's package
                package = module if is_package else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            names.add(base)
            # `from package import name` loads the module `package.name` when there is one.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph() -> dict[str, set[str]]:
    found = sources()
    graph: dict[str, set[str]] = {}
    for module, path in found.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = named_imports(tree, module, path.name == "__init__.py")
        edges = {name for target in (*targets, module) for name in with_ancestors(target)}
        graph[module] = {name for name in edges if name in found and name != module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path that starts and ends at the same module, or None."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(node: str) -> list[str] | None:
        path.append(node)
        on_path.add(node)
        for target in sorted(graph.get(node, ())):
            if target in on_path:
                return [*path[path.index(target):], target]
            if target not in done and (cycle := visit(target)):
                return cycle
        path.pop()
        on_path.discard(node)
        done.add(node)
        return None

    for start in sorted(graph):
        if start not in done and (cycle := visit(start)):
            return cycle
    return None


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    tree = ast.parse("def f():\n    from . import b\nif TYPE_CHECKING:\n    import p.q.c\n")
    assert named_imports(tree, "p.q.a", False) == {"p.q", "p.q.b", "p.q.c"}


def test_the_graph_sees_every_kind_of_import() -> None:
    graph = import_graph()
    assert len(graph) > 30
    assert "simulators.core.simulator" in graph["simulators.genway.app"]
    assert "simulators.core" in graph["simulators.core.clock"]  # its own package runs first
    assert "simulators.gensail.app" in graph["simulators.server"]


def test_simulators_have_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_core_imports_no_vendor_and_vendors_not_each_other() -> None:
    for module, targets in import_graph().items():
        own = next((v for v in VENDORS if module == v or module.startswith(v + ".")), None)
        foreign = {t for t in targets if t.startswith(VENDORS) and not (
            own and (t == own or t.startswith(own + ".")))}
        if module.startswith("simulators.core") or own:
            assert not foreign, f"{module} imports {sorted(foreign)}"


def test_modules_stay_small() -> None:
    sizes = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in sources().items()}
    assert {m: n for m, n in sizes.items() if n > MAX_LINES} == {}
