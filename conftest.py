"""Before any test module is imported: keep pytest's rewritten test modules between runs.

pytest rewrites every test module's ``assert`` statements (an AST pass over
~180 modules, about 4 s of each xdist worker's start-up on this machine) and
caches the result as bytecode.  Where ``PYTHONDONTWRITEBYTECODE`` is set
(as in some sandboxes and CI images, to keep ``__pycache__`` out of the
tree) nothing is cached and every worker redoes it on every run.  Then the
bytecode goes to a directory of its own under the system's temporary
directory (``sys.pycache_prefix``), so the tree stays clean and start-up
stays short.  Child processes that tests start keep their environment as it is.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

if sys.dont_write_bytecode and sys.pycache_prefix is None:
    sys.pycache_prefix = str(Path(tempfile.gettempdir()) / f"zhaiyao-pycache-{os.getuid()}")
    sys.dont_write_bytecode = False
