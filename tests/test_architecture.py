"""The architecture's rules, checked over the source with `ast` (docs/architecture.md, "Dependencies").

- workforce never imports covenant; incidents and consultation never import each other or signatories;
- cms reaches the apps only through its URL configuration;
- no application module imports `tests` or `demo` (the demo world and the factories live outside the apps);
- no import circle among our modules, counting imports inside functions (which would otherwise hide one);
- no module of cms/, workforce/, covenant/ or demo/ is over 500 lines (migrations aside);
- an import waits inside a function only in an `AppConfig.ready()` or for a heavy optional library.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPLICATION = ("cms", "workforce", "covenant")
PACKAGES = (*APPLICATION, "demo")
MAX_LINES = 500
# Libraries heavy enough to load only when the rare request that needs them comes (PDFs, spreadsheets, the
# name lists personal-data detection builds once).
LAZY_LIBRARIES = ("weasyprint", "openpyxl", "faker")

# (importer, imported): a module under the first prefix must not import one under the second.
FORBIDDEN = [
    ("workforce", "covenant"),
    ("covenant.incidents", "covenant.consultation"),
    ("covenant.consultation", "covenant.incidents"),
    ("covenant.incidents", "covenant.signatories"),
    ("covenant.consultation", "covenant.signatories"),
    ("cms", "workforce"),
    ("cms", "covenant"),
    ("cms", "demo"),
    ("workforce", "demo"),
    ("covenant", "demo"),
    ("cms", "tests"),
    ("workforce", "tests"),
    ("covenant", "tests"),
    ("demo", "tests"),
]
# Django imports each app's package and then its models before anything else runs, so importing a module below
# one of these never runs the package's `__init__` for the first time.
APPS = (
    "cms",
    "cms.accounts",
    "workforce",
    "covenant.incidents",
    "covenant.consultation",
    "covenant.signatories",
    "demo",
)
LOADED_FIRST = {"covenant", *APPS, *(f"{app}.models" for app in APPS)}
# The one place the site reaches the apps: its URL configuration routes to them.
ALLOWED = {("cms.urls", "workforce"), ("cms.urls", "covenant")}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    in_function: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[_module_name(path)] = path
    return modules


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path, known: set[str]) -> list[Import]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue  # imports for type annotations only are never executed
            if isinstance(child, ast.Import):
                found.extend(Import(name, alias.name, child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    # `from package import module` imports the module; `from module import name`, the module.
                    target = f"{base}.{alias.name}"
                    found.append(Import(name, target if target in known else base, child.lineno, in_function))
            visit(
                child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            )

    visit(tree, False)
    return found


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


@pytest.fixture(scope="module")
def graph():
    modules = _sources()
    known = set(modules)
    return modules, [imp for name, path in modules.items() for imp in _imports(name, path, known)]


def test_no_forbidden_import(graph):
    _, imports = graph
    broken = sorted(
        {
            f"{imp.importer}:{imp.line} imports {imp.imported}"
            for imp in imports
            for importer, imported in FORBIDDEN
            if _within(imp.importer, importer)
            and _within(imp.imported, imported)
            and not any(_within(imp.importer, a) and _within(imp.imported, b) for a, b in ALLOWED)
        }
    )
    assert not broken, "Imports the architecture forbids (docs/architecture.md):\n" + "\n".join(broken)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def _packages_run(imported: str, *, importer: str, modules) -> list[str]:
    """The packages whose `__init__` runs first when `importer` imports `imported`: those above it, unless Django
    loaded them already or `importer` is inside them (then their `__init__` is running or has run)."""
    packages = []
    package = imported.rpartition(".")[0]
    while package:
        if package in modules and package not in LOADED_FIRST and not _within(importer, package):
            packages.append(package)
        package = package.rpartition(".")[0]
    return packages


def test_no_import_circle(graph):
    modules, imports = graph
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for imp in imports:
        if imp.imported in modules and imp.imported != imp.importer:
            edges[imp.importer].add(imp.imported)
            # Importing `a.b.c` runs `a/b/__init__.py` first: a loop through it fails at run time just the same.
            edges[imp.importer].update(_packages_run(imp.imported, importer=imp.importer, modules=modules))
    cycles = _cycles(edges)
    assert not cycles, "Import circles (counting imports inside functions):\n" + "\n".join(
        " <-> ".join(cycle) for cycle in cycles
    )


def test_no_module_over_the_size_limit(graph):
    modules, _ = graph
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in modules.values()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not too_long, f"Modules over {MAX_LINES} lines: {too_long}"


def test_imports_wait_inside_functions_only_where_they_must(graph):
    """An import inside a function hides a cycle or slows the request that first runs it. It is allowed in an
    AppConfig's ready() (Django loads models first) and for a heavy optional library."""
    _, imports = graph
    waiting = [
        f"{imp.importer}:{imp.line} imports {imp.imported}"
        for imp in imports
        if imp.in_function
        and not imp.importer.endswith(".apps")
        and not any(_within(imp.imported, library) for library in LAZY_LIBRARIES)
    ]
    assert not waiting, "Imports inside functions that guard no cycle and no heavy library:\n" + "\n".join(
        waiting
    )


def test_the_checker_sees_relative_and_function_level_imports(tmp_path):
    """The rules above are only as good as the parser: a relative import inside a function is still found."""
    package = tmp_path / "covenant" / "incidents"
    package.mkdir(parents=True)
    source = package / "views.py"
    source.write_text("def view():\n    from ..consultation import models\n    return models\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = _imports("covenant.incidents.views", source, {"covenant.consultation.models"})
    finally:
        ROOT = saved
    assert found == [Import("covenant.incidents.views", "covenant.consultation.models", 2, True)]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    # `tasks` importing `services.detection` runs `services/__init__`, which imports `services.campaigns`.
    assert _packages_run("app.services.detection", importer="app.tasks", modules={"app.services"}) == [
        "app.services"
    ]
    assert (
        _packages_run("app.services.detection", importer="app.services.campaigns", modules={"app.services"})
        == []
    )
