"""The Vietnamese catalogue is complete: no empty or fuzzy entry, every message of the code is in it, and
the compiled .mo matches the .po."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
PO = WEBAPP / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def catalogue():
    with PO.open("rb") as handle:
        return read_po(handle, locale="vi")


def test_no_vietnamese_entry_is_empty_or_fuzzy():
    po = catalogue()
    assert not po.fuzzy
    bad = []
    for message in po:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s and s.strip() for s in strings):
            bad.append(message.id)
    assert bad == []


def test_every_message_in_the_code_is_translated():
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(WEBAPP), method_map, keywords=keywords):
        found.add(message if isinstance(message, str) else message[0])
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue() if m.id}
    assert sorted(found - translated) == []


def test_the_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as handle:
        mo = read_mo(handle)
    def key(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    compiled = {key(m.id): key(m.string) for m in mo if m.id}
    source = {key(m.id): key(m.string) for m in catalogue() if m.id}
    assert compiled == source
