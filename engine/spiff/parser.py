"""Read, check and parse a BPMN bundle (a BPMN file and the forms, DMN and called processes it needs).

Checks run in three passes, each reported with file, line and element id: the XML and the BPMN 2.0
XSD; SpiffWorkflow's own parse; quytrinh's rules (engine/lint.py). Parsed specs are cached in
memory by the bundle's sha256, so nothing is parsed per request.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser

from engine import dialects, lint
from engine.conventions import BPMN, NS, properties
from engine.errors import DefinitionInvalid, InvalidInput, Problem

#: A file with more problems than this reports these and says there are more: a 3.5 MB file of 150,000
#: steps without a role took a minute and a 33 MB page to list them all.
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Bundle:
    """The files of one deployment; ``main`` is the BPMN file the designer chose."""

    main: str
    files: dict[str, str]

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        for name in sorted(n for n in self.files if not n.startswith(dialects.GENERATED)):  # derived files
            digest.update(name.encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(self.files[name].encode("utf-8")).digest())
        return digest.hexdigest()


@dataclass(frozen=True)
class ParsedProcess:
    key: str
    name: str
    spec: object
    subprocess_specs: dict
    meta: dict
    generated_files: dict = field(default_factory=dict)   # forms made by engine/dialects.py, not the identity


def bundle_from_path(path: str | Path) -> Bundle:
    """Collect a BPMN file with the forms it names, the DMN files beside it and the BPMN files that
    define the processes it calls. Missing referenced files are left for validation to report."""
    path = Path(path)
    folder = path.parent
    files: dict[str, str] = {path.name: _text_of(path)}
    try:
        root = etree.fromstring(files[path.name].encode("utf-8"))
    except etree.XMLSyntaxError:
        return Bundle(main=path.name, files=files)
    for name in _referenced_files(root):
        candidate = folder / name
        if candidate.is_file() and _inside(folder, candidate):
            files[str(PurePosixPath(name))] = _text_of(candidate)
    for dmn in sorted(folder.glob("*.dmn")):
        files[dmn.name] = _text_of(dmn)
    called = {node.get("calledElement") for node in root.iter(f"{BPMN}callActivity")} - {None}
    defined = {p.get("id") for p in root.iter(f"{BPMN}process")}
    for other in sorted(folder.glob("*.bpmn")):
        if other == path or not (called - defined):
            continue
        text = _text_of(other)
        try:
            ids = {p.get("id") for p in etree.fromstring(text.encode("utf-8")).iter(f"{BPMN}process")}
        except etree.XMLSyntaxError:
            continue
        if ids & (called - defined):
            files[other.name] = text
            defined |= ids
    return Bundle(main=path.name, files=files)


def _text_of(path: Path) -> str:
    """A file of a bundle as text: UTF-8 as the modelers write it (a BOM kept: the hash is of the file),
    else refused by name, as an upload is (the bundle's hash and every parse work on the text)."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("upload.not_utf8", name=path.name) from None


def _referenced_files(root: etree._Element) -> list[str]:
    names = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        props = properties(element)
        for key in ("formJsonSchemaFilename", "formUiSchemaFilename", "dataSchemaFilename"):
            if props.get(key):
                names.append(props[key])
        form_key = next((v for k, v in element.attrib.items() if k.endswith("}formKey")), None)
        if form_key:  # another tool's form, given as a JSON Schema beside the file (docs/interop.md)
            names.extend(dialects.form_key_files(form_key))
    return sorted(set(names))


def _inside(folder: Path, candidate: Path) -> bool:
    try:
        candidate.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def parse_bundle(bundle: Bundle, *, known_roles: set[str] | None = None,
                 functions: dict | None = None) -> list[ParsedProcess]:
    """Check every pass and parse every executable process of the bundle.

    Files from other tools are first rewritten into quytrinh's conventions (engine/dialects.py); what the
    rewrite did is in each process's ``meta["notes"]``.

    :raises DefinitionInvalid: with every problem found (nothing is partially accepted).
    """
    problems: list[Problem] = []
    documents: dict[str, etree._Element] = {}
    normalised = dialects.normalise(bundle.files, functions=functions, limit=MAX_PROBLEMS + 1)
    bundle = Bundle(main=bundle.main, files=normalised.files)
    for name, text in bundle.files.items():
        if name in normalised.documents:
            documents[name] = normalised.documents[name]   # the rewritten tree, with the uploaded lines
        elif name.endswith((".bpmn", ".dmn", ".xml")):
            try:
                documents[name] = etree.fromstring(text.encode("utf-8"))
            except etree.XMLSyntaxError as exc:
                line = exc.lineno or (exc.position[0] if exc.position else 0)
                detail = re.sub(r", line \d+, column \d+$", "", str(exc.msg))   # the problem has the line
                message = detail if text.strip() else "Document is empty"
                problems.append(Problem(name, line, "", *explain(message, "xml.syntax", detail=detail)))
                continue
        if name in documents and _declares_entities(documents[name]):
            problems.append(Problem(name, 1, "", "xml.syntax", {"detail": "DOCTYPE declares entities",
                                                                "explained": "xml.entities"}))
    if problems:
        raise DefinitionInvalid(problems)
    main = documents.get(bundle.main)
    if main is None or etree.QName(main).localname != "definitions":
        raise DefinitionInvalid([Problem(bundle.main, 1, "", "bpmn.not_definitions", {})])

    parser = SpiffBpmnParser(validator=VALIDATOR)
    for name, root in documents.items():
        try:
            if name.endswith(".dmn"):
                parser.add_dmn_xml(root, filename=name)
            else:
                parser.add_bpmn_xml(root, filename=name)
        except ValidationException as exc:
            problems.append(_problem_of(exc, name, documents))
        except Exception as exc:  # SpiffWorkflow raises plain exceptions for some malformed files
            problems.append(Problem(name, 0, "", "bpmn.parse", {"detail": f"{type(exc).__name__}: {exc}"[:300]}))

    main_processes = [p for p in main.iter(f"{BPMN}process")]
    executable = [p for p in main_processes if p.get("isExecutable", "false").lower() == "true"]
    if not executable:  # every process named, none silently skipped
        raise DefinitionInvalid(
            [Problem(bundle.main, p.sourceline or 0, p.get("id", ""), "process.not_executable", {})
             for p in main_processes] or [Problem(bundle.main, 1, "", "process.not_executable", {})])

    # quytrinh's rules run even when SpiffWorkflow refused the file: theirs say how to fix it.
    linted = lint.check_bundle(bundle, documents, known_roles=known_roles, refused=normalised.refused,
                               limit=MAX_PROBLEMS + 1)
    ours = _without_repeats(normalised.problems, linted)
    named = {(p.file, p.element) for p in ours if p.element}
    # SpiffWorkflow's finding on an element quytrinh already explains (or without any location) is left out.
    problems = [p for p in problems if (p.file, p.element) not in named and (p.line or not ours)] + ours
    if problems:
        raise DefinitionInvalid(_first(problems))
    parsed: list[ParsedProcess] = []
    for process in executable:
        key = process.get("id")
        try:
            spec = parser.get_spec(key)
            subprocess_specs = parser.get_subprocess_specs(key)
        except ValidationException as exc:
            problems.append(_problem_of(exc, bundle.main, documents))
            continue
        except Exception as exc:
            problems.append(Problem(bundle.main, process.sourceline or 0, key, "bpmn.parse",
                                    {"detail": f"{type(exc).__name__}: {exc}"[:300]}))
            continue
        for each in [spec, *subprocess_specs.values()]:
            _connect_multi_instance_merges(each)
        meta = lint.process_meta(process, bundle, documents)
        meta["notes"] = [n.as_dict() for n in normalised.notes]
        parsed.append(ParsedProcess(key=key, name=(process.get("name") or key).strip(), spec=spec,
                                    subprocess_specs=subprocess_specs, meta=meta,
                                    generated_files=normalised.generated))
    if problems:
        raise DefinitionInvalid(_first(problems))
    return parsed


def _first(problems: list[Problem]) -> list[Problem]:
    """The problems in file and line order; past :data:`MAX_PROBLEMS`, the first ones and a last line
    saying there are more (the rewrite and the linter stop looking there, so how many is not known)."""
    ordered = sorted(problems, key=lambda p: (p.file, p.line, p.element))
    if len(ordered) <= MAX_PROBLEMS:
        return ordered
    rest = ordered[MAX_PROBLEMS]
    return ordered[:MAX_PROBLEMS] + [Problem(rest.file, rest.line, "", "problems.too_many", {"shown": MAX_PROBLEMS})]


# A rewrite problem already says what is wrong with an element's form or assignment; the linter's more
# general finding on the same element ("no form", "no role") would only repeat it.
_SAME_CAUSE = {"task.missing_form": "form.", "assignment.invalid": "assignment.", "lane.missing_role": "assignment.",
               "role.unknown": "group."}


def _without_repeats(rewrite: list[Problem], linted: list[Problem]) -> list[Problem]:
    explained = {(p.file, p.element, p.code.split(".")[0] + ".") for p in rewrite}
    explained |= {(p.file, p.element, "assignment.") for p in rewrite if p.code == "group.unknown"}
    return rewrite + [p for p in linted if (p.file, p.element, _SAME_CAUSE.get(p.code)) not in explained]


def _connect_multi_instance_merges(spec) -> None:
    """Connect each multi-instance task to its instances' completion at parse time.

    SpiffWorkflow 3.2.0 connects ``merge_child`` only when it creates an instance, on the (shared) task
    spec: a workflow restored in a fresh process never merges the instances it created before it was
    saved, and the multi-instance task waits forever. Found driving P1's introducers from the CLI.
    """
    for task_spec in spec.task_specs.values():
        child_name = getattr(task_spec, "task_spec", None)
        merge = getattr(task_spec, "merge_child", None)
        if isinstance(child_name, str) and merge is not None and child_name in spec.task_specs:
            event = spec.task_specs[child_name].completed_event
            if not event.is_connected(merge):
                event.connect(merge)


def _problem_of(exc: ValidationException, default_file: str,
                documents: dict[str, etree._Element] | None = None) -> Problem:
    file = exc.file_name or default_file
    line = exc.line_number if isinstance(exc.line_number, int) else 0
    if not line and exc.id and documents and file in documents:
        # SpiffWorkflow often knows the element but not its line: find it in the parsed file.
        found = documents[file].xpath("//*[@id=$id]", id=exc.id)
        line = found[0].sourceline if found else 0
    element = exc.id or ""
    if not element and line and documents and file in documents:
        # an XSD error knows only its line: name the element that starts there (or encloses it)
        found = [e for e in documents[file].iter() if isinstance(e.tag, str) and e.sourceline == line]
        owner = found[0] if found else None
        while owner is not None and not owner.get("id"):
            owner = owner.getparent()
        element = owner.get("id", "") if owner is not None else ""
    message = str(exc.args[0]) if exc.args else str(exc)
    return Problem(file, line, element, *explain(message, "bpmn.invalid", detail=message[:300]))


# Messages of lxml, of the BPMN 2.0 XSD and of Python's json module, in English -> the key of the
# Vietnamese text (webapp/messages.py) that says what is wrong and how to fix it. The problem keeps its
# code (xml.syntax, bpmn.invalid, form.invalid_json: what API clients and tests match) and the English
# text as its ``detail``; the key goes in the parameter ``explained``, with the pattern's named groups
# and the constants. The first pattern that matches wins; no match leaves the English detail shown.
_ELEMENT = r"^Element '(?:\{[^}]*\})?(?P<element>[^']*)'"       # '{namespace}name': its local name
_ATTRIBUTE = r"attribute '(?:\{[^}]*\})?(?P<attribute>[^']*)'"
_EXPLAINED = [(re.compile(pattern), code, constants) for pattern, code, constants in [
    (r"^Document is empty", "xml.empty", {}),
    (r"^Start tag expected, '<' not found", "xml.not_xml", {}),
    (r"^xmlParseEntityRef: no name|^EntityRef: expecting ';'", "xml.bare_ampersand", {}),
    (r"^Entity '|entity reference loop|[Aa]mplification|PEReference|^EntityValue", "xml.entities", {}),
    (r"^Opening and ending tag mismatch: (?P<open>\S+) line (?P<open_line>\d+) and (?P<close>[^\s,]+)",
     "xml.tag_mismatch", {}),
    (r"^Premature end of data in tag (?P<open>\S+) line (?P<open_line>\d+)", "xml.truncated", {}),
    (r"^Namespace prefix (?P<prefix>\S+) on (?P<tag>\S+) is not defined", "xml.namespace", {}),
    (r"^Extra content at the end of the document", "xml.extra_content", {}),
    (_ELEMENT + ", " + _ATTRIBUTE + r": The attribute '[^']*' is not allowed", "bpmn.attribute_not_allowed", {}),
    (_ELEMENT + r": The attribute '(?P<attribute>[^']*)' is required but missing", "bpmn.attribute_missing", {}),
    (_ELEMENT + r": This element is not expected\. Expected is(?: one of)? \( (?P<expected>.*?) \)",
     "bpmn.element_unexpected", {}),
    (_ELEMENT + r": This element is not expected", "bpmn.element_misplaced", {}),
    # an id that is a well-formed name yet refused as xs:ID is one used twice
    (_ELEMENT + r", attribute 'id': '(?P<value>[^\W\d][\w.-]*)' is not a valid value of the atomic type 'xs:ID'",
     "bpmn.duplicate_id", {}),
    (_ELEMENT + ", " + _ATTRIBUTE + r": '(?P<value>[^']*)' is not a valid value of the atomic type "
     r"'(?P<xsd_type>[^']*)'", "bpmn.invalid_value", {}),
    (r"^Expecting property name enclosed in double quotes", "form.json_syntax", {"json_error": "property_name"}),
    (r"^Expecting value", "form.json_syntax", {"json_error": "value"}),
    (r"^Expecting ',' delimiter", "form.json_syntax", {"json_error": "comma"}),
    (r"^Expecting ':' delimiter", "form.json_syntax", {"json_error": "colon"}),
    (r"^Unterminated string", "form.json_syntax", {"json_error": "string"}),
    (r"^Invalid control character", "form.json_syntax", {"json_error": "control"}),
    (r"^Invalid \\(u|escape)", "form.json_syntax", {"json_error": "escape"}),
    (r"^Extra data", "form.json_syntax", {"json_error": "extra"}),
]]


def explain(message: str, code: str, **params) -> tuple[str, dict]:
    """``code`` and the parameters of a parser's English ``message`` (see :data:`_EXPLAINED`)."""
    for pattern, explained, constants in _EXPLAINED:
        found = pattern.search(message)
        if found:
            named = {k: v for k, v in found.groupdict().items() if v is not None}
            if "expected" in named:   # "{ns}documentation, {ns}extensionElements, ..." -> the first local names
                names = [n.rsplit("}", 1)[-1] for n in named["expected"].split(", ") if not n.startswith("##")]
                named["expected"] = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
            return code, {**params, **named, **constants, "explained": explained}
    return code, params


def _declares_entities(root: etree._Element) -> bool:
    """A DOCTYPE declaring entities: what entity-expansion and external-entity attacks are made of; no
    BPMN modeler writes one, so it is refused rather than expanded."""
    dtd = root.getroottree().docinfo.internalDTD
    return dtd is not None and any(True for _ in dtd.iterentities())


# The cache of parsed specs -------------------------------------------------------------------

_CACHE: "OrderedDict[tuple[str, str], ParsedProcess]" = OrderedDict()
_CACHE_SIZE = 256
_CACHE_LOCK = threading.Lock()


def cached_process(sha256: str, key: str, files: dict[str, str], main: str) -> ParsedProcess:
    """The parsed process of a deployed definition; parsed once per process and bundle hash."""
    with _CACHE_LOCK:
        hit = _CACHE.get((sha256, key))
        if hit is not None:
            _CACHE.move_to_end((sha256, key))
            return hit
    bundle = Bundle(main=main, files=dict(files))
    if bundle.sha256 != sha256:  # the stored files no longer match their recorded hash
        raise DefinitionInvalid([Problem(main, 0, key, "definition.hash_mismatch",
                                         {"expected": sha256, "actual": bundle.sha256})])
    for process in parse_bundle(bundle):
        with _CACHE_LOCK:
            _CACHE[(sha256, process.key)] = process
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    with _CACHE_LOCK:
        return _CACHE[(sha256, key)]


def form_schema(files: dict[str, str], name: str | None) -> dict | None:
    if not name:
        return None
    return json.loads(files[str(PurePosixPath(name))])


__all__ = ["Bundle", "ParsedProcess", "bundle_from_path", "parse_bundle", "cached_process", "form_schema", "NS"]
