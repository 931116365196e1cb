"""The shape of the code: what loads when, and what may import what (docs/architecture.md)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import rollcall

pytestmark = pytest.mark.any_database

PROVIDER_SDKS = ("twilio", "alibabacloud_dysmsapi20170525", "alibabacloud_tea_openapi", "Tea",
                 "darabonba", "aiohttp")


def test_building_the_app_loads_no_sms_sdk():
    """A web worker, a CLI command or a test run pays for an SMS SDK only when it texts."""
    probe = (
        "import sys\n"
        "from rollcall import create_app\n"
        "create_app({'TESTING': True, 'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})\n"
        "from rollcall import vocabulary, notify\n"
        "from rollcall.notify import services, settings_service, health\n"
        "from rollcall.jobs import minute_pass, scheduler\n"
        f"print(sorted(n for n in sys.modules if n.split('.')[0] in {PROVIDER_SDKS!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_a_gateway_loads_its_sdk_when_built():
    """The lazy imports still work: building each gateway brings its own SDK."""
    probe = (
        "import sys\n"
        "from rollcall.notify.gateway import gateway_from_config\n"
        "config = {'TWILIO_ACCOUNT_SID': 'AC1', 'TWILIO_AUTH_TOKEN': 't',\n"
        "          'TWILIO_FROM_NUMBER': '+15005550006', 'TWILIO_API_BASE_URL': 'http://x',\n"
        "          'ALIYUN_ACCESS_KEY_ID': 'k', 'ALIYUN_ACCESS_KEY_SECRET': 's',\n"
        "          'ALIYUN_SMS_SIGN_NAME': 'n'}\n"
        "print(type(gateway_from_config(config, 'twilio')).__name__,\n"
        "      type(gateway_from_config(config, 'aliyun')).__name__,\n"
        "      'twilio' in sys.modules, 'alibabacloud_dysmsapi20170525' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["TwilioGateway", "AliyunGateway", "True", "True"]


# --- The import graph: docs/architecture.md draws the same layers --------------------------

ROLLCALL = Path(rollcall.__file__).parent

# Lowest first. A module may import its own unit (package or top-level module) and units of
# its own layer or the layers below, never a layer above.
LAYERS = (
    ("foundation", {"access", "as_typed", "audit", "backup", "cli_support", "clock", "config",
                    "csrf_mask",
                    "database", "errors", "exports", "extensions", "field_errors", "form_fields",
                    "gunicorn_conf", "i18n", "limits", "logs", "models", "page_forms", "phones",
                    "rendering", "school_days",
                    "school_settings", "security", "site_menu", "state_change", "static_files",
                    "urls"}),
    ("words", {"vocabulary"}),
    ("messaging", {"notify"}),
    ("domains", {"auth", "roster", "checks", "family", "custody", "cases", "screening", "watch"}),
    ("jobs", {"jobs"}),
    ("pages", {"teacher", "office", "admin", "api", "main", "demo", "templating", "reactions",
               "run_all", "wsgi", "__init__"}),
)
LAYER_OF = {unit: rank for rank, (_, units) in enumerate(LAYERS) for unit in units}
PAGES = len(LAYERS) - 1
# A package's own pages: nothing below the pages layer imports another package's.
PAGE_FILES = {"views.py", "forms.py", "webhooks.py", "review_views.py"}
# The words may read every area's codes (enums and the like) to name them.
WORD_SOURCES = {"rollcall.office.states", "rollcall.notify.outcomes", "rollcall.checks.validation"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROLLCALL.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _unit(module: str) -> str | None:
    """rollcall.checks.services → checks; rollcall.clock → clock; rollcall → __init__."""
    parts = module.split(".")
    if parts[0] != "rollcall":
        return None
    if len(parts) == 1:
        return "__init__"
    name = parts[1]
    if (ROLLCALL / name).is_dir() or (ROLLCALL / f"{name}.py").exists():
        return name
    return "__init__"  # `from rollcall import create_app`


def _imports(path: Path) -> set[str]:
    """The rollcall modules a file imports (at any depth: lazy imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module == "rollcall":
            # from rollcall import clock, vocabulary (or create_app, the package's own)
            found |= {f"rollcall.{alias.name}" if _unit(f"rollcall.{alias.name}") != "__init__"
                      else "rollcall" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name.split(".")[0] == "rollcall"}


def _is_word_source(module: str) -> bool:
    return module.endswith(".models") or module in WORD_SOURCES


def import_graph() -> list[tuple[str, str, str, str]]:
    """(importing module, its unit, imported module, its unit) for every import between two
    units, the words' reading of codes left out."""
    edges = []
    for path in sorted(ROLLCALL.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        unit = _unit(module)
        for imported in _imports(path):
            other = _unit(imported)
            if other is None or other == unit:
                continue
            if unit == "vocabulary" and _is_word_source(imported):
                continue
            edges.append((module, unit, imported, other))
    return edges


def test_every_unit_of_rollcall_has_a_layer():
    units = {path.stem if path.suffix else path.name
             for path in ROLLCALL.iterdir()
             if (path.suffix == ".py") or (path.is_dir() and (path / "__init__.py").exists())}
    units.discard("migrations")
    assert sorted(units - set(LAYER_OF)) == []


def test_no_unit_imports_a_layer_above_its_own():
    wrong = [f"{module} imports {imported}" for module, unit, imported, other
             in import_graph()
             if LAYER_OF[unit] < LAYER_OF[other]]
    assert wrong == []


def test_no_two_units_import_each_other():
    """In every layer, pages included, imports between two units point one way only: a page
    that gathers from several areas lives in a pages-layer package (teacher/, office/), not in
    a domain that another domain reads. (The words' reading of codes is left out.)"""
    edges = {(unit, other): module for module, unit, imported, other in import_graph()}
    both = sorted(f"{a} <-> {b} ({edges[(a, b)]}, {edges[(b, a)]})"
                  for (a, b) in edges if (b, a) in edges and a < b)
    assert both == []


def test_nothing_below_the_pages_imports_a_page():
    wrong = [f"{module} imports {imported}" for module, unit, imported, other
             in import_graph()
             if LAYER_OF[unit] < PAGES and imported.rsplit(".", 1)[-1] + ".py" in PAGE_FILES]
    assert wrong == []


def test_the_architecture_page_draws_the_layers_the_test_checks():
    page = (ROLLCALL.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    drawn = {}
    for line in page.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] in {name for name, _ in LAYERS}:
            drawn[cells[0]] = {unit.strip(" `") for unit in cells[1].split(",")}
    assert drawn == dict(LAYERS)
    for listed in sorted(WORD_SOURCES):
        assert listed.removeprefix("rollcall.").replace(".", "/") + ".py" in page, listed
