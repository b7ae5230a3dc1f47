"""The actor registry: a human-edited TOML file of the debate's actors and their names."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from model import config
from model.text import fold

ACTOR_TYPES = frozenset({"person", "country", "government", "organization", "group", "media"})
_LIST_FIELDS = ("aliases", "titles", "demonyms")


class RegistryError(ValueError):
    """The registry file is malformed; the message names the entry and the problem."""


@dataclass(frozen=True, slots=True)
class Office:
    """A role held from `start` to `end` (ISO dates; an empty end means still held), and the id
    of the organisation the role speaks for, if any (a Pentagon press secretary: "pentagon")."""

    role: str
    start: str
    end: str
    org: str = ""


@dataclass(frozen=True, slots=True)
class RegistryActor:
    """One actor of the debate and the names that articles use for it."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    titles: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    affiliation: str = ""
    gender: str = ""
    offices: tuple[Office, ...] = ()


@dataclass(slots=True)
class Registry:
    """All actors, indexed by id and by folded alias."""

    actors: dict[str, RegistryActor]
    by_alias: dict[str, str] = field(default_factory=dict)

    def resolve(self, name: str) -> str | None:
        """The id of the actor that `name` (an id, canonical name or alias) denotes, if any."""
        if name in self.actors:
            return name
        return self.by_alias.get(alias_key(name))

    def __len__(self) -> int:
        return len(self.actors)


def alias_key(name: str) -> str:
    """How aliases are compared: folded, without a leading "the"."""
    key = fold(name)
    return key[4:] if key.startswith("the ") else key


def _string_list(entry: dict, key: str, where: str) -> tuple[str, ...]:
    """Read an optional list of non-empty strings from an entry."""
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RegistryError(f"{where}: '{key}' must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _parse_offices(entry: dict, where: str) -> tuple[Office, ...]:
    """Read the optional offices table of a person."""
    offices = entry.get("offices", [])
    if not isinstance(offices, list):
        raise RegistryError(f"{where}: 'offices' must be a list of tables")
    parsed = []
    for office in offices:
        if not isinstance(office, dict) or not isinstance(office.get("role"), str):
            raise RegistryError(f"{where}: every office needs a 'role' string")
        if not isinstance(office.get("org", ""), str):
            raise RegistryError(f"{where}: an office's 'org' must be an actor id string")
        dates = str(office.get("start", "")), str(office.get("end", ""))
        parsed.append(Office(office["role"], *dates, office.get("org", "")))
    return tuple(parsed)


def _parse_actor(entry: object, position: int) -> RegistryActor:
    """Validate one [[actor]] table and turn it into a RegistryActor."""
    where = f"actor #{position}"
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: must be a table")
    for key in ("id", "name", "type"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise RegistryError(f"{where}: missing or empty '{key}'")
    where = f"actor #{position} ({entry['id']})"
    if entry["type"] not in ACTOR_TYPES:
        raise RegistryError(f"{where}: type '{entry['type']}' is not one of {sorted(ACTOR_TYPES)}")
    lists = {key: _string_list(entry, key, where) for key in _LIST_FIELDS}
    names = (entry["name"], *lists["aliases"])
    return RegistryActor(
        id=entry["id"],
        name=entry["name"],
        type=entry["type"],
        aliases=tuple(dict.fromkeys(names)),
        titles=lists["titles"],
        demonyms=lists["demonyms"],
        affiliation=str(entry.get("affiliation", "")),
        gender=str(entry.get("gender", "")),
        offices=_parse_offices(entry, where),
    )


def build_registry(entries: list) -> Registry:
    """Check ids, aliases and affiliations across entries, then index them."""
    actors: dict[str, RegistryActor] = {}
    by_alias: dict[str, str] = {}
    for position, entry in enumerate(entries, start=1):
        actor = _parse_actor(entry, position)
        if actor.id in actors:
            raise RegistryError(f"actor #{position}: duplicate id '{actor.id}'")
        actors[actor.id] = actor
        for alias in actor.aliases:
            owner = by_alias.setdefault(alias_key(alias), actor.id)
            if owner != actor.id:
                raise RegistryError(
                    f"actor #{position} ({actor.id}): alias '{alias}' is already used by '{owner}'"
                )
    for actor in actors.values():
        if actor.affiliation and actor.affiliation not in actors:
            raise RegistryError(f"{actor.id}: unknown affiliation '{actor.affiliation}'")
        for office in actor.offices:
            if office.org and office.org not in actors:
                raise RegistryError(
                    f"{actor.id}: office '{office.role}' has unknown org '{office.org}'"
                )
    return Registry(actors=actors, by_alias=by_alias)


def load_registry(path: Path | None = None) -> Registry:
    """Read and validate the registry TOML file."""
    path = Path(path or config.REGISTRY_PATH)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise RegistryError(f"{path}: registry file not found") from error
    except tomllib.TOMLDecodeError as error:
        raise RegistryError(f"{path}: not valid TOML: {error}") from error
    entries = document.get("actor")
    if not isinstance(entries, list) or not entries:
        raise RegistryError(f"{path}: no [[actor]] entries")
    try:
        return build_registry(entries)
    except RegistryError as error:
        raise RegistryError(f"{path}: {error}") from error
