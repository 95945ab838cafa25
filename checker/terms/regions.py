"""Regions: ISO 3166-1 alpha-2 countries and the named groups licences refer to.

A region is a country code (`DE`) or a group (`EU`). Groups are sets of country codes, defined once
here for the whole catalogue. How a group is read depends on the fact it describes:

- a *domicile* given as a group means "somewhere in that group": `domicile: EU` is inside `EU` and
  `EEA`, outside `US`, and leaves `domicile in {DE}` undetermined;
- a *market* given as a group means "every country of that group".
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

# Member states of the European Union (EU-27, since 1 February 2020), by ISO 3166-1 alpha-2 code.
# Source: https://european-union.europa.eu/principles-countries-history/eu-countries_en
EU: frozenset[str] = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()  # noqa: SIM905 - reads as a list
)
# The European Economic Area: the EU plus Iceland, Liechtenstein and Norway.
# Source: https://www.efta.int/eea
EEA: frozenset[str] = EU | frozenset({"IS", "LI", "NO"})
# The European Free Trade Association: Iceland, Liechtenstein, Norway and Switzerland.
# Source: https://www.efta.int/about-efta/the-efta-states
EFTA: frozenset[str] = frozenset({"IS", "LI", "NO", "CH"})


@cache
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → English short name (shipped as `checker/terms/iso3166.tsv`)."""
    shipped = Path(__file__).with_name("iso3166.tsv")
    if shipped.is_file():  # a wheel or a checkout on disk: no importlib.resources (see checker.resources)
        text = shipped.read_text(encoding="utf-8")
    else:
        from importlib.resources import files  # noqa: PLC0415 - a package imported from a zip archive

        text = files("checker.terms").joinpath("iso3166.tsv").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t", 1)
            table[code] = name
    return table


@cache
def groups() -> dict[str, frozenset[str]]:
    """Named groups of countries. `WORLD` holds every country."""
    return {"EU": EU, "EEA": EEA, "EFTA": EFTA, "WORLD": frozenset(countries())}


# Common spellings that are not the ISO code: the United Kingdom is GB in ISO 3166-1,
# and the EU writes Greece as EL.
ALIASES: dict[str, str] = {"UK": "GB", "EL": "GR", "EU27": "EU", "EU-27": "EU"}


def canonical_region(name: str) -> str | None:
    """The canonical spelling of a region name (a country code or a group), or None if unknown."""
    upper = ALIASES.get(name.upper(), name.upper())
    if upper in groups() or upper in countries():
        return upper
    return None


def members(region: str) -> frozenset[str]:
    """The countries a canonical region stands for: a group's members, or the country itself."""
    return groups().get(region, frozenset({region}))


def known_region_names() -> list[str]:
    return [*groups(), *countries(), *ALIASES]
