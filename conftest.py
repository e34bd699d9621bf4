"""Before any test module is imported: keep pytest's rewritten test modules between runs.

pytest rewrites every test module's ``assert`` statements (an AST pass over
~180 modules, about 4 s of each xdist worker's start-up on this machine) and
caches the result as bytecode.  Where ``PYTHONDONTWRITEBYTECODE`` is set
(as in some sandboxes and CI images, to keep ``__pycache__`` out of the
tree) nothing is cached and every worker redoes it on every run.  Then the
bytecode goes to a directory of its own under the system's temporary
directory (``sys.pycache_prefix``), so the tree stays clean and start-up
stays short.  The environment says the same to every process started from
here (pytest-xdist's workers, and the ``python -m bot`` or ``python -m
summarizer`` children of the tests, ~35 of them): without it each child
compiles the project's ~150 modules from source again, ~0.2 s of CPU apiece.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

if sys.dont_write_bytecode and sys.pycache_prefix is None:
    sys.pycache_prefix = str(Path(tempfile.gettempdir()) / f"zhaiyao-pycache-{os.getuid()}")
    sys.dont_write_bytecode = False
    os.environ["PYTHONPYCACHEPREFIX"] = sys.pycache_prefix
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
