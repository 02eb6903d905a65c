"""qbr: quarterly business review packs for Managed Service Providers.

The CLI (:mod:`qbr.cli`) is a thin shell over :mod:`qbr.api`; scripts and notebooks call
the same functions.
"""

__version__ = "0.1.0"

import os as _os

# Packs render in forked children (qbr.report.budget); Arrow's jemalloc pool does not
# survive a fork cleanly, so use the system allocator unless the user chose one.
_os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
