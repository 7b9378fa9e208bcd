"""The part's source as a build123d script: its spec as data, and the engine's own build
steps for the feature types it uses, so that running it rebuilds the same part.

The service writes this script and never runs it. Everything that came from a user or a
model (names, dimension names, intents, notes, any string) enters the script only as a
Python literal written by `pprint` and read back with `ast.literal_eval` before it is used:
data, never code. The code in the script is this repository's own: `geometry/build.py`
(pruned to what the spec needs), the expression reader of `spec/expressions.py`, and the
short resolver below. A feature type the emitter cannot carry is refused with a code.
"""

import ast
import importlib
import importlib.util
import inspect
import pprint
from enum import Enum
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from naturalcad.errors import CodedError
from naturalcad.spec import expressions
from naturalcad.spec.schema import UNIT_TO_MM
from naturalcad.spec.validate import COUNT_KINDS
from naturalcad.spec.vocabulary import FEATURES, LENGTH_KINDS

Spec = dict[str, Any]
# The kinds of value the script's resolver turns into millimetres or whole numbers.
_POINT_KINDS = ("point3", "points2", "polygon", "points3", "outline")
_RESOLVED_KINDS = frozenset({*LENGTH_KINDS, *COUNT_KINDS, *_POINT_KINDS, "arcs"})
# How the script resolves its sizes: the same rules as `spec/validate.py`, without the schema.
_RESOLVER = '''
def _value(kind, value):
    if kind == "arcs":  # [index of the side's first corner, x, y]
        return [[_value("count", a[0]), *_value("point3", a[1:])] for a in value]
    if kind in ("point3", "points2", "polygon", "points3", "outline"):
        return [_value("length", v) if not isinstance(v, list) else _value(kind, v)
                for v in value]
    number = evaluate(value, DIMENSIONS) if isinstance(value, str) else float(value)
    return int(number) if kind in ("count", "sides") else number * MM_PER_UNIT


def resolved_spec():
    """The spec with every size in millimetres and every name replaced by its value."""
    features = []
    for feature in FEATURES:
        kinds = KINDS[feature["feature_type"]]
        features.append({key: _value(kinds[key], value) if key in kinds else value
                         for key, value in feature.items()})
    return {"mode": MODE, "output_type": OUTPUT_TYPE, "geometry": {"features": features}}
'''
_MAIN = """
part = build_part(resolved_spec())

if __name__ == "__main__":
    import pathlib

    here = pathlib.Path(__file__).with_suffix("")
    if OUTPUT_TYPE in FLAT_OUTPUTS:
        dxf = bd.ExportDXF()
        dxf.add_shape(part)
        dxf.write(f"{here}.dxf")
        print(f"wrote {here}.dxf")
    else:
        bd.export_step(part, f"{here}.step")
        bd.export_stl(part, f"{here}.stl")
        print(f"wrote {here}.step and {here}.stl")
"""


class EmitUnsupported(CodedError):
    """This part's script cannot be written."""

    code = "emit_unsupported"


def emit_script(spec: Spec) -> str:
    """A standalone build123d script that rebuilds the part `spec` describes."""
    features = spec["geometry"]["features"]
    used = sorted({str(f["feature_type"]) for f in features})
    steps = {k.value for k, _ in _used_entries(_steps_node(_engine_tree()), list(FEATURES))}
    unknown = [t for t in used if t not in FEATURES or t not in steps]
    if unknown:
        raise EmitUnsupported(message=f"no script can be written for {', '.join(unknown)}")
    kinds = {
        t: {k: a.kind for k, a in FEATURES[t].attrs.items() if a.kind in _RESOLVED_KINDS}
        for t in used
    }
    data = {
        "INTENT": spec.get("intent", ""),
        "UNITS": spec["units"],
        "MM_PER_UNIT": UNIT_TO_MM[spec["units"]],
        "MODE": spec["mode"],
        "OUTPUT_TYPE": spec["output_type"],
        "DIMENSIONS": spec.get("dimensions") or {},
        "FEATURES": features,
        "KINDS": kinds,
    }
    data_lines = [f"{name} = {_literal(value)}" for name, value in data.items()]
    # the data are literals read back (`_literal`); the code is our own, checked in `_code`
    parts = [
        _HEADER,
        "# --- the part: edit DIMENSIONS (in UNITS) and run again ---",
        *data_lines,
        _code(tuple(used)),
    ]
    return "\n\n".join(part.strip("\n") for part in parts) + "\n"


_HEADER = '''"""A NaturalCAD part as a build123d script, generated from the part's spec.

Run it with Python 3.11+ and build123d installed (pip install build123d):
    python this_file.py
It writes the part as STEP and STL (DXF for a flat part) next to itself. Change the sizes in
DIMENSIONS and run it again: every size that refers to a name follows it.
"""'''


def _literal(value: Any) -> str:
    """`value` as a Python literal that reads back as exactly this value: data, never code."""
    plain = _plain(value)
    text = pprint.pformat(plain, width=96, sort_dicts=False)
    if ast.literal_eval(text) != plain:
        raise EmitUnsupported(message="a value of the spec does not survive as a literal")
    return text


def _plain(value: Any) -> Any:
    """JSON-like data only: anything else is refused rather than written with its repr."""
    if isinstance(value, dict):
        return {str(_plain(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return _plain(value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    raise EmitUnsupported(message=f"a {type(value).__name__} cannot be written into a script")


@cache
def _module_source(module: ModuleType) -> str:
    """A module's source without its docstring (its imports stay: standard library only)."""
    tree = ast.parse(inspect.getsource(module))
    lines = inspect.getsource(module).splitlines()
    body = tree.body[1:] if ast.get_docstring(tree) is not None else tree.body
    return "\n".join(lines[body[0].lineno - 1 :]) if body else ""


# The engine's module, read as text: the emitting process need not import build123d.
_ENGINE = "naturalcad.geometry.build"


@cache
def _engine_source() -> str:
    spec = importlib.util.find_spec(_ENGINE)
    if spec is None or spec.origin is None:
        raise EmitUnsupported(message="the geometry engine's source is not installed")
    return Path(spec.origin).read_text()


@cache
def _engine_tree() -> ast.Module:
    return ast.parse(_engine_source())


@cache
def _engine_lines() -> list[str]:
    # Cut by line numbers: ast.get_source_segment splits the whole source again per node.
    return _engine_source().splitlines()


@cache
def _code(used: tuple[str, ...]) -> str:
    """The script's code for these feature types (our own, the same for every part that uses
    them): made and checked once. A script that does not parse, or that needs this package,
    is our bug: refused here, where the job's log says so, not at the user's."""
    code = "\n\n".join(
        part.strip("\n")
        for part in (
            "# --- sizes: names and arithmetic of names, read without running anything ---",
            _module_source(expressions),
            _RESOLVER,
            "# --- the engine: NaturalCAD's build steps for these feature types ---",
            _engine(list(used)),
            _MAIN,
        )
    )
    for node in ast.walk(ast.parse(code)):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        modules += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        if any(module.split(".")[0] == "naturalcad" for module in modules):
            raise EmitUnsupported(message="the engine's steps for these features need the service")
    return code


def _engine(used: list[str]) -> str:
    """build.py pruned to what building these feature types reaches, its imports of this
    package replaced by their code or their values."""
    tree, lines = _engine_tree(), _engine_lines()
    defined = {name: node for node in tree.body for name in _names_defined(node)}
    wanted = {"build_part", *_step_names(tree, used)}
    kept: set[int] = set()
    pending = list(wanted)
    while pending:
        name = pending.pop()
        node = defined.get(name)
        if node is None or id(node) in kept:
            continue
        kept.add(id(node))
        pending.extend(_names_used(node, used))
    out = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("naturalcad"):
            out.append(_imported(node))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            out.append(_segment(lines, node))
        elif id(node) in kept:
            out.append(_steps_source(node, used) if "STEPS" in _names_defined(node) else "")
            if not out[-1]:
                out[-1] = _segment(lines, node)
    return "\n\n".join(part for part in out if part)


def _segment(lines: list[str], node: ast.stmt) -> str:
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    return "\n".join(lines[start - 1 : node.end_lineno])


def _names_defined(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def _steps_node(tree: ast.Module) -> ast.Dict:
    for node in tree.body:
        if "STEPS" in _names_defined(node):
            value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
            if isinstance(value, ast.Dict):
                return value
    raise EmitUnsupported(message="the engine's table of steps is not where it was")


def _used_entries(steps: ast.Dict, used: list[str]) -> list[tuple[ast.Constant, ast.expr]]:
    return [
        (key, value)
        for key, value in zip(steps.keys, steps.values, strict=True)
        if isinstance(key, ast.Constant) and key.value in used
    ]


def _step_names(tree: ast.Module, used: list[str]) -> set[str]:
    return {
        n.id
        for _, value in _used_entries(_steps_node(tree), used)
        for n in ast.walk(value)
        if isinstance(n, ast.Name)
    }


def _names_used(node: ast.stmt, used: list[str]) -> set[str]:
    if "STEPS" in _names_defined(node):
        steps = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if isinstance(steps, ast.Dict):
            return {
                n.id
                for _, value in _used_entries(steps, used)
                for n in ast.walk(value)
                if isinstance(n, ast.Name)
            } | {"Step"}
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _steps_source(node: ast.stmt, used: list[str]) -> str:
    """The dispatch table with the entries of the used feature types only."""
    steps = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
    if not isinstance(steps, ast.Dict):
        return ""
    entries = "".join(
        f"    {ast.unparse(key)}: {ast.unparse(value)},\n"
        for key, value in _used_entries(steps, used)
    )
    return f"STEPS: dict[str, Step] = {{\n{entries}}}"


def _imported(node: ast.ImportFrom) -> str:
    """What `from naturalcad... import names` gives build.py: a class's or function's code
    (with its own module's helpers), or a constant's value as a literal."""
    module = importlib.import_module(node.module or "")
    out = []
    for alias in node.names:
        value = getattr(module, alias.name)
        if inspect.isclass(value) or inspect.isfunction(value):
            out.append(_module_source(module))
        else:
            out.append(f"{alias.asname or alias.name} = {_constant(value)}")
    return "\n\n".join(dict.fromkeys(out))


def _constant(value: Any) -> str:
    if isinstance(value, frozenset | set):
        return f"frozenset({_literal(value)})"
    return _literal(value)
