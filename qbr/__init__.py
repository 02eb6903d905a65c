"""qbr: quarterly business review packs for Managed Service Providers.

The CLI (:mod:`qbr.cli`) is a thin shell over :mod:`qbr.api`; scripts and notebooks call
the same functions.
"""

__version__ = "0.1.0"
