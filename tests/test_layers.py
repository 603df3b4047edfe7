"""Imports flow one way: a package imports only the layers below it (README "Architecture").

    stockpilot  →  erp, planning  →  knowledge  →  tools  →  agents  →  graph  →  api, evals  →  ui

Every import of every module counts: at the top, inside a function (a lazy import is still a
dependency) and under `TYPE_CHECKING`. Packages on one layer do not import each other, except
that `erp` reads planning's record contract (`planning.network`: the tables and the supply
lines since the snapshot). So nothing below the API imports the graph, and only `ui` imports `api`
or `evals`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LAYERS: dict[str, int] = {
    "stockpilot": 0,
    "erp": 1,
    "planning": 1,
    "knowledge": 2,
    "tools": 3,
    "agents": 4,
    "graph": 5,
    "api": 6,
    "evals": 6,
    "ui": 7,
}
# (importing package, imported module or a package of modules): allowed across a layer. The
# store reads and writes planning's records: the network tables and the supply-line record.
ALLOWED: frozenset[tuple[str, str]] = frozenset({("erp", "planning.network")})


def imported_modules(source: str) -> Iterator[tuple[int, str]]:
    """Yield (line, absolute module name) for each absolute import in a module's source."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def _allowed(package: str, module: str) -> bool:
    return any(
        package == importer and (module == target or module.startswith(target + "."))
        for importer, target in ALLOWED
    )


def violations(root: Path, layers: Mapping[str, int] = LAYERS) -> list[str]:
    """Return 'file:line: package imports module' for each import that flows upwards or across."""
    found = []
    for package, rank in layers.items():
        for path in sorted((root / package).rglob("*.py")):
            for line, module in imported_modules(path.read_text(encoding="utf-8")):
                target = module.split(".")[0]
                if target == package or target not in layers or layers[target] < rank:
                    continue
                if _allowed(package, module):
                    continue
                where = path.relative_to(root)
                found.append(f"{where}:{line}: {package} imports {module}")
    return found


def test_every_package_imports_only_the_layers_below_it() -> None:
    assert violations(ROOT) == []


def test_every_layered_package_exists() -> None:
    assert all((ROOT / package / "__init__.py").is_file() for package in LAYERS)


def _tree(tmp_path: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_an_upward_or_sideways_import_is_reported(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "erp/__init__.py": "",
            "erp/store.py": "from planning.network import NetworkData\n",  # allowed
            "erp/bad.py": "import json\n\n\ndef f():\n    from tools.workspace import Workspace\n",
            "planning/__init__.py": "",
            "planning/engine.py": "from erp.store import load_network\n",  # sideways
            "tools/__init__.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    import graph.service\n",  # type-only still counts
            "api/__init__.py": "from ui.server import app_factory\nfrom . import deps\n",
            "ui/__init__.py": "import api.app\nimport graph\nimport evals.runner\n",  # downward
        },
    )
    assert violations(root) == [
        "erp/bad.py:5: erp imports tools.workspace",
        "planning/engine.py:1: planning imports erp.store",
        "tools/__init__.py:3: tools imports graph.service",
        "api/__init__.py:1: api imports ui.server",
    ]
