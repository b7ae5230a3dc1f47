"""The actor registry: loading, lookup and rejection of bad entries."""

from pathlib import Path

import pytest

from model import config
from model.registry import RegistryError, build_registry, load_registry


def _entry(**fields) -> dict:
    base = {"id": "x", "name": "X", "type": "country", "aliases": []}
    return {**base, **fields}


def test_fixture_registry_resolves_aliases_case_insensitively(registry) -> None:
    assert registry.resolve("the Kremlin") == "russia"
    assert registry.resolve("kremlin") == "russia"
    assert registry.resolve("Zelenskiy") == "volodymyr_zelensky"
    assert registry.resolve("Olaf Scholz") == "olaf_scholz"
    assert registry.resolve("nobody at all") is None


def test_duplicate_alias_is_rejected_with_both_actors_named() -> None:
    entries = [
        _entry(id="germany", name="Germany", aliases=["Berlin"]),
        _entry(id="berlin_city", name="Berlin City", aliases=["berlin"]),
    ]
    with pytest.raises(RegistryError, match="alias 'berlin' is already used by 'germany'"):
        build_registry(entries)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_entry(type="planet"), "type 'planet' is not one of"),
        (_entry(name=""), "missing or empty 'name'"),
        (_entry(aliases="Berlin"), "'aliases' must be a list"),
        (_entry(affiliation="nowhere"), "unknown affiliation 'nowhere'"),
        (
            _entry(type="person", offices=[{"role": "Spokesman", "org": "nowhere"}]),
            "office 'Spokesman' has unknown org 'nowhere'",
        ),
    ],
)
def test_malformed_entries_are_rejected(entry: dict, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        build_registry([entry])


def test_duplicate_id_is_rejected() -> None:
    with pytest.raises(RegistryError, match="duplicate id 'x'"):
        build_registry([_entry(), _entry(name="Other")])


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "actors.toml"
    path.write_text("[[actor]\nid = 1", encoding="utf-8")
    with pytest.raises(RegistryError, match="not valid TOML"):
        load_registry(path)


def test_shipped_registry_covers_the_debate() -> None:
    registry = load_registry(config.REGISTRY_PATH)
    assert len(registry) >= 150
    for name in ["Washington", "the White House", "the Kremlin", "Downing Street", "Berlin"]:
        assert registry.resolve(name) is not None, name
    for required in ["NATO", "Pentagon", "State Department", "Institute for the Study of War"]:
        assert registry.resolve(required) is not None, required


def test_office_holders_by_country(registry) -> None:
    from model.predictor import office_holders

    holders = office_holders(registry)
    assert set(holders["germany"]) == {"olaf_scholz", "friedrich_merz"}
    assert holders["nato"] == ("jens_stoltenberg",)
    assert "russia" not in holders  # Peskov is listed without an office


def test_an_office_speaks_for_its_organisation_as_well_as_the_country() -> None:
    from model.predictor import office_holders

    entries = [
        _entry(id="usa", name="United States"),
        _entry(id="pentagon", name="Pentagon", type="organization", affiliation="usa"),
        _entry(
            id="ryder",
            name="Pat Ryder",
            type="person",
            affiliation="usa",
            offices=[{"role": "Press Secretary", "start": "2022-08-01", "org": "pentagon"}],
        ),
    ]
    holders = office_holders(build_registry(entries))
    assert holders == {"usa": ("ryder",), "pentagon": ("ryder",)}
