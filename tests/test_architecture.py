"""The shape of the code (docs/architecture.md): apps depend one way, no module reaches into another
app's views or private names, and the §1 rules live in accounts/access.py alone.

Every import counts: module level, inside functions, and under TYPE_CHECKING."""

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ACCESS = ROOT / "accounts" / "access.py"
# The order the apps are layered in, lowest first: an app imports only from apps before it.
LAYERS = [
    "povertymgmt",
    "villages",
    "accounts",
    "households",
    "eligibility",
    "monitoring",
    "projects",
    "assistance",
    "funds",
    "workflows",
    "simulations",
    "imports",
    "reports",
    "demo",
]


def project_apps() -> list[str]:
    return sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in ("tests", "bench"))


def modules() -> list[Path]:
    return [
        p
        for app in project_apps()
        for p in (ROOT / app).rglob("*.py")
        if "migrations" not in p.parts and ".venv" not in p.parts
    ]


@cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def app_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def imports(path: Path):
    """(module, names) of every import in the file, relative imports resolved."""
    package = list(path.relative_to(ROOT).with_suffix("").parts)[:-1]
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield module, [a.name for a in node.names]


def app_graph() -> dict[str, set[str]]:
    apps = set(project_apps())
    graph: dict[str, set[str]] = defaultdict(set)
    for path in modules():
        here = app_of(path)
        for module, _names in imports(path):
            there = module.split(".")[0]
            if there in apps and there != here:
                graph[here].add(there)
    return graph


def test_every_app_has_a_place_in_the_layers():
    assert set(project_apps()) == set(LAYERS)


def test_apps_import_only_from_the_layers_below_them():
    graph = app_graph()
    upward = [
        f"{app} imports {other}"
        for app, others in graph.items()
        for other in others
        if LAYERS.index(other) > LAYERS.index(app)
    ]
    assert upward == []


def test_the_app_import_graph_has_no_cycle():
    graph = app_graph()
    state: dict[str, int] = {}

    def visit(app: str, path: list[str]) -> list[str] | None:
        state[app] = 1
        for other in sorted(graph.get(app, ())):
            if state.get(other) == 1:
                return [*path, app, other]
            if other not in state and (cycle := visit(other, [*path, app])):
                return cycle
        state[app] = 2
        return None

    cycles = [c for app in sorted(graph) if app not in state and (c := visit(app, []))]
    assert cycles == []


def test_no_module_imports_the_views_of_another_app():
    found = []
    for path in modules():
        for module, names in imports(path):
            parts = module.split(".")
            targets = [*parts] + [n for n in names]
            if parts[0] != app_of(path) and parts[0] in LAYERS and "views" in targets[1:]:
                found.append(f"{path.relative_to(ROOT)}: {module}")
    assert found == []


def test_no_module_imports_a_private_name_of_another_module():
    found = []
    for path in modules():
        for module, names in imports(path):
            if module.split(".")[0] not in LAYERS:
                continue  # the project's own modules; a library's underscores are its business
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private or any(p.startswith("_") and not p.startswith("__") for p in module.split(".")):
                found.append(f"{path.relative_to(ROOT)}: from {module} import {', '.join(private)}")
    assert found == []


def _region_prefix_filters(path: Path) -> list[str]:
    """Keyword arguments and strings that filter on a region code prefix (`…code__startswith`), and
    string tests of a code against a region's prefix (`….startswith(x.prefix)`)."""
    found = []
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.keyword) and node.arg and node.arg.endswith("code__startswith"):
            found.append(node.arg)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "code__startswith" in node.value:
            found.append(node.value)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "startswith"
            and any(isinstance(a, ast.Attribute) and a.attr == "prefix" for a in node.args)
        ):
            found.append(ast.unparse(node))
    return found


def test_only_the_access_module_builds_a_region_prefix_filter():
    found = {
        str(path.relative_to(ROOT)): hits
        for path in modules()
        if path != ACCESS and (hits := _region_prefix_filters(path))
    }
    assert found == {}


def _role_comparisons(path: Path) -> list[str]:
    """Comparisons that involve a user's role (`user.role == …`, `… in ROLES`)."""
    found = []
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.Compare):
            parts = [node.left, *node.comparators]
            if any(isinstance(p, ast.Attribute) and p.attr == "role" for p in parts):
                found.append(ast.unparse(node))
    return found


def test_only_the_access_module_compares_roles():
    found = {
        str(path.relative_to(ROOT)): hits for path in modules() if path != ACCESS and (hits := _role_comparisons(path))
    }
    assert found == {}


def test_the_checks_of_this_file_find_what_they_look_for(tmp_path):
    """The detectors above are not vacuous."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(user, region, qs, code):\n"
        "    if user.role == 'x' or code.startswith(region.prefix):\n"
        "        return qs.filter(county__code__startswith=region.prefix)\n",
        encoding="utf-8",
    )
    assert len(_region_prefix_filters(sample)) == 2
    assert len(_role_comparisons(sample)) == 1


# The specification and the style guide the project is built to, kept beside the repository
# (docs/README.md says where).
OUTSIDE_DOCUMENTS = {"domain.md", "style.md"}


def test_every_referenced_document_exists():
    """Comments, docstrings, templates and docs name documents of this repository that exist."""
    import re

    texts = [*modules(), *(ROOT / "docs").glob("*.md"), ROOT / "README.md", *(ROOT / "templates").rglob("*.html")]
    texts += [p for p in (ROOT / "tests").rglob("*.py")] + [ROOT / "tests" / "README.md"]
    missing = []
    for path in texts:
        for ref in re.findall(r"(?<![\w./-])((?:[\w-]+/)*[\w-]+\.md)\b", path.read_text(encoding="utf-8")):
            if Path(ref).name in OUTSIDE_DOCUMENTS:
                continue
            if not any((base / ref).exists() for base in (ROOT, ROOT / "docs", path.parent)):
                missing.append(f"{path.relative_to(ROOT)}: {ref}")
    assert missing == []
