"""Copy the browser assets the web app serves from npm's ``node_modules/`` into ``webapp/static/vendor/``.

Run after ``npm ci`` (the versions are fixed by package-lock.json); the target folder is git-ignored and
rebuilt each time. Nothing is fetched from a CDN at run time.

    npm ci --no-audit --no-fund && python scripts/vendor_assets.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
TARGET = ROOT / "webapp" / "static" / "vendor"

#: (source under node_modules, destination under webapp/static/vendor)
FILES = [
    ("htmx.org/dist/htmx.min.js", "htmx.min.js"),
    ("bpmn-js/dist/bpmn-navigated-viewer.production.min.js", "bpmn-js/bpmn-navigated-viewer.production.min.js"),
    ("bpmn-js/dist/bpmn-modeler.production.min.js", "bpmn-js/bpmn-modeler.production.min.js"),   # the designer
    ("bpmn-js/dist/assets/diagram-js.css", "bpmn-js/diagram-js.css"),
    ("bpmn-js/dist/assets/bpmn-js.css", "bpmn-js/bpmn-js.css"),
]
FOLDERS = [
    ("bpmn-js/dist/assets/bpmn-font", "bpmn-js/bpmn-font"),
]
LICENSES = [("htmx.org/LICENSE", "htmx.LICENSE"), ("bpmn-js/LICENSE", "bpmn-js/LICENSE")]


def main() -> int:
    if not MODULES.is_dir():
        print(f"{MODULES} is missing: run `npm ci` in {ROOT} first.", file=sys.stderr)
        return 1
    if TARGET.exists():
        shutil.rmtree(TARGET)
    copied = 0
    for source, destination in FILES + LICENSES:
        path = MODULES / source
        if not path.is_file():
            if (source, destination) in LICENSES:
                continue
            print(f"missing {path}: is package-lock.json installed (`npm ci`)?", file=sys.stderr)
            return 1
        (TARGET / destination).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, TARGET / destination)
        copied += 1
    for source, destination in FOLDERS:
        shutil.copytree(MODULES / source, TARGET / destination)
        copied += 1
    print(f"copied {copied} assets into {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
