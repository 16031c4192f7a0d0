"""The project package `familielos/` (settings, organisation, audit) stands below the domain apps: it imports none.

The domain apps (cases, screening, teams, stafettlogg) build on familielos; an import the other way ties the ground
to what stands on it and invites import cycles. The check reads the source (ast), so an import inside a function
counts too.
"""

import ast
from pathlib import Path

import familielos

DOMAIN_APPS = {"cases", "screening", "teams", "stafettlogg"}
PACKAGE = Path(familielos.__file__).parent

# (file, imported name) pairs allowed, each with why.
ALLOWED = {
    # The root URL conf wires every app's pages to an address; the start page at "/" is a view, not an include().
    ("familielos/urls.py", "cases.home"),
}


def imported_names(path: Path):
    """Every name the file imports: `import a.b` gives a.b, `from a.b import c` gives a.b.c."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def domain_imports() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in imported_names(path):
            if name.split(".")[0] in DOMAIN_APPS:
                found.add((path.relative_to(PACKAGE.parent).as_posix(), name))
    return found


def test_familielos_package__imports_no_domain_app_beyond_the_allowed():
    assert domain_imports() - ALLOWED == set()


def test_familielos_package__every_allowed_import_is_still_there():
    """An allowance no longer needed is removed, so it cannot cover a new import later."""
    assert domain_imports() >= ALLOWED


def test_imported_names__sees_from_imports_and_imports_inside_functions(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("from cases import selectors\n\n\ndef f():\n    import teams.workflow\n")
    assert set(imported_names(module)) == {"cases.selectors", "teams.workflow"}
