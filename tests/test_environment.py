"""environment.yml (conda) asks for the same packages, with the same lower bounds, as
pyproject.toml."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _name(requirement: str) -> tuple[str, str]:
    name, bound = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", requirement).groups()
    return name.lower().replace("_", "-"), bound.replace(" ", "")


def test_environment_yml_in_step_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"])
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    dependencies = text.split("dependencies:", 1)[1].splitlines()
    listed = dict(_name(line.strip()[2:].rstrip(":")) for line in dependencies if re.match(r"^  - [A-Za-z]", line))
    assert listed.pop("python") == ">=3.11" and listed.pop("pip") == ""
    assert listed == wanted


def test_every_import_of_the_package_is_a_declared_dependency():
    # The wheel test borrows its third-party packages; this test makes sure each package
    # the code imports is one pyproject.toml makes pip install (not only a dev extra).
    import ast
    import sys
    from importlib.metadata import packages_distributions

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r)[0] for r in project["dependencies"]}
    distributions = packages_distributions()
    imported = set()
    for path in (ROOT / "src" / "adoption").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"adoption", "__future__"}
    undeclared = {module for module in third_party
                  if not {d.lower().replace("_", "-") for d in distributions.get(module, [module])} & declared}
    assert not undeclared
    assert {"pandera", "stdnum", "IPython", "jinja2"} <= third_party
