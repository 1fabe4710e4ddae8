"""Every variable a procedure's scripts compute (and every multi-instance step's collected results) has a Vietnamese title in the JSON Schema named by the process's
``dataSchemaFilename`` (docs/lanes.md), so the case page, the step-through and the dossier never show a raw name."""

import ast
import json
import textwrap
from pathlib import Path

import pytest
from lxml import etree

from engine.conventions import NS, properties

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
FILES = sorted(BPMN_DIR.glob("*/*.bpmn"))
OUTPUT_COLLECTION = f"{{{NS['bpmn']}}}loopDataOutputRef"
SCRIPTS = (f"{{{NS['bpmn']}}}script", f"{{{NS['spiffworkflow']}}}preScript", f"{{{NS['spiffworkflow']}}}postScript")


def _names(target: ast.expr) -> set[str]:
    """The variables a target binds: ``x``, ``a, b``, ``[a, *rest]`` (not ``x[0]`` or ``x.y``, which change a value)."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return set().union(*(_names(element) for element in target.elts))
    if isinstance(target, ast.Starred):
        return _names(target.value)
    return set()


def assigned(script: str) -> set[str]:
    """Names a script assigns (``=``, ``+=``, a ``for`` loop's variable)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(textwrap.dedent(script))):
        if isinstance(node, ast.Assign):
            names |= set().union(*(_names(target) for target in node.targets))
        elif isinstance(node, (ast.AugAssign, ast.For)):
            names |= _names(node.target)
    return names


def test_assignments_are_found():
    script = "a = 1\nb, (c, d) = 2, (3, 4)\nif a == b:\n    e += 1\nf[0] = 5\nfor g in range(2):\n    pass\n" \
             "h = [i for i in range(3)]"
    assert assigned(script) == {"a", "b", "c", "d", "e", "g", "h"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_computed_variable_has_a_title(path):
    for process in etree.parse(str(path)).getroot().iter(f"{{{NS['bpmn']}}}process"):
        computed = set().union(*(assigned(node.text) for node in process.iter(*SCRIPTS) if (node.text or "").strip()))
        computed |= {(node.text or "").strip() for node in process.iter(OUTPUT_COLLECTION)} - {""}   # multi-instance results
        if not computed:
            continue
        schema_file = properties(process).get("dataSchemaFilename")
        assert schema_file, f"{process.get('id')} computes {sorted(computed)} but names no dataSchemaFilename"
        schema = json.loads((path.parent / schema_file).read_text(encoding="utf-8"))
        titled = {name for name, prop in schema.get("properties", {}).items() if (prop.get("title") or "").strip()}
        assert sorted(computed - titled) == [], f"computed variables without a title in {schema_file}"
