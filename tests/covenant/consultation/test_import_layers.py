"""The consultation's modules import each other one way (docs/consultation.md, "Where the code is").

The page's routes (models/pages.py) import the route views at the top, so nothing those views import may import
the page module back. Read from the source: the imports at module level (not those inside functions, nor those
only for type checking) must not go round in a loop.
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APP = ROOT / "covenant" / "consultation"
# Django imports the models package before anything else, so importing one of its modules never runs its
# `__init__` (which imports the page module); importing a module of any other package runs that package's.
PACKAGES_LOADED_FIRST = {"covenant.consultation", "covenant.consultation.models"}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in APP.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _module_level(body):
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _module_level(block)


def _packages_run(target: str, *, importer: str) -> set[str]:
    """The packages whose `__init__` runs when `importer` imports `target`: those above it that are not loaded
    already (PACKAGES_LOADED_FIRST, and the packages `importer` is in)."""
    packages = set()
    package = target.rpartition(".")[0]
    while package.startswith("covenant.consultation"):
        if package not in PACKAGES_LOADED_FIRST and not importer.startswith(package + "."):
            packages.add(package)
        package = package.rpartition(".")[0]
    return packages


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in _module_level(ast.parse(path.read_text(encoding="utf-8")).body):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names
            ]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target:
                found.add(target)
                found |= _packages_run(target, importer=name)
    found.discard(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _loop(graph: dict[str, set[str]]) -> list[str]:
    """One import loop in `graph`, as the modules along it; [] if there is none."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = "open"
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return stack[stack.index(target) :] + [target]
            if target not in state and (loop := visit(target)):
                return loop
        state[module] = "done"
        stack.pop()
        return []

    for module in sorted(graph):
        if module not in state and (loop := visit(module)):
            return loop
    return []


def test_no_module_of_the_consultation_imports_itself_back():
    loop = _loop(_graph())
    assert loop == [], "Import loop: " + " -> ".join(loop)


def test_the_route_views_do_not_reach_the_page_module():
    graph = _graph()
    assert "covenant.consultation.views.respond" in graph["covenant.consultation.models.pages"]
    reached, todo = set(), ["covenant.consultation.views.respond"]
    while todo:
        module = todo.pop()
        if module not in reached:
            reached.add(module)
            todo.extend(graph[module])
    assert "covenant.consultation.models.pages" not in reached
    assert "covenant.consultation.selectors.consultations" not in reached


def test_the_check_finds_a_loop():
    assert _loop({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _loop({"a": {"b"}, "b": set()}) == []
