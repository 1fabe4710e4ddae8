"""Engine tests of the procedure library, one module per procedure (``test_<key>.py``).

This package has the same name as the older module ``tests/procedures.py`` (P1's step data, imported as
``tests.procedures`` by many tests), and a package wins over a module of the same name. So that those imports
keep working, the module is loaded here from its file and its public names are re-exported. Moving
``tests/procedures.py`` into this package would make this unnecessary.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("tests._p1_procedure_data",
                                               Path(__file__).parent.parent / "procedures.py")
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
globals().update({name: value for name, value in vars(_module).items() if not name.startswith("_")})
