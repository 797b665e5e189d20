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
