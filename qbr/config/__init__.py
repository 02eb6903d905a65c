"""The one TOML config: MSP, calendars, tiers, clients with monitors, and input sources.

Loading validates everything up front, so a typo fails before any file is read, with a
one-line message naming the config file and the dotted key (``qbr.toml:
tiers.gold.response_minutes.P1: expected a positive number``). The schema is documented
in README.md ("Configuration"); ``sample_data/qbr.toml`` is a complete working example.

The package: ``model`` (dataclasses), ``reader`` (typed TOML access), ``calendars``,
``tiers``, ``clients``, ``sources`` (one module per section) and ``parse`` (the loader).
Every public name is re-exported here, so ``from qbr.config import X`` keeps working.
"""

from qbr.config.calendars import BUILTIN_24X7
from qbr.config.model import (
    FOLD_KEYS,
    SOURCE_KINDS,
    UPTIME_STATES,
    WEEKDAYS,
    AccountManagerConfig,
    Brand,
    Calendar,
    Client,
    Config,
    CreditRow,
    HolidayRule,
    MonitorConfig,
    Source,
    Tier,
    normalise_name,
)
from qbr.config.parse import load_config, parse_config

__all__ = [
    "BUILTIN_24X7", "FOLD_KEYS", "SOURCE_KINDS", "UPTIME_STATES", "WEEKDAYS",
    "AccountManagerConfig", "Brand", "Calendar", "Client", "Config", "CreditRow",
    "HolidayRule", "MonitorConfig", "Source", "Tier", "load_config", "normalise_name",
    "parse_config",
]
