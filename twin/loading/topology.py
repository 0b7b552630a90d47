"""Topology files → `twin.model.Topology`: `extends:` resolution, schema and reference checks.

Variants (`silk-road-2026.yaml` extends `silk-road-2021.yaml`) are merged on the raw, marked
data before validation, so every value keeps the mark of the file that wrote it and an error in
an inherited entry points into the parent file, an override's error into the child.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from twin.errors import InputError, Problem
from twin.gc_pause import paused_gc
from twin.geo import geodesic_km, geodesic_upper_bound_km, shortest_credible_length_km
from twin.loading.calendar import seasonal_factors
from twin.loading.errors import did_you_mean, problems_from_validation
from twin.loading.paths import resolve_reference
from twin.loading.references import raw_reference_problems
from twin.loading.salvage import distinct, salvage
from twin.loading.yaml_marks import Mark, MDict, MList, load_yaml_with_marks
from twin.model import (
    CorridorCalibration,
    FailureClass,
    LatencyCalibration,
    Link,
    Node,
    RepairTime,
    Srlg,
    Topology,
)
from twin.units import UnitError, parse_duration_h

SECTIONS = ("failure_classes", "srlgs", "nodes", "links")
# Replaced whole when a variant names them (a calibration block is one fit, never merged).
_REPLACED_SCALARS = ("name", "description", "route_factor", "schema", "latency_calibration")
MAX_EXTENDS_DEPTH = 16


def _entry_id(entry: Any) -> str | None:
    if isinstance(entry, MDict) and isinstance(entry.get("id"), str):
        return str(entry["id"])
    return None


def _merge_entry(parent: MDict, child: MDict) -> MDict:
    merged = MDict(child.mark)
    for key in parent:
        merged.set(key, parent[key], parent.key_marks[key], parent.value_marks[key])
    for key in child:
        merged.set(key, child[key], child.key_marks[key], child.value_marks[key])
    return merged


def _merge(parent: MDict, child: MDict) -> MDict:
    """Apply a variant to its resolved parent (see docs/file-formats.md, "Variants").

    The parent's keys come first, then the child's scalars replace them, its sections merge
    entry by entry, and its `remove:` deletes entries; every slip found on the way (an id twice
    in the variant, a removal of something the parent lacks) is reported together.
    """
    result = MDict(child.mark)
    for key in parent:
        if key not in ("extends", "remove"):
            _copy_key(parent, key, result)
    for key in _REPLACED_SCALARS:
        if key in child:
            _copy_key(child, key, result)
    problems: list[Problem] = []
    for section in SECTIONS:
        extra = child.get(section)
        if isinstance(extra, MList):  # another type is the schema's to report, with its mark
            merged = _merged_section(result.get(section), extra, section, problems)
            result.set(section, merged, child.key_marks[section], child.value_marks[section])
    for key in child:
        if key not in result and key not in ("extends", "remove"):
            _copy_key(child, key, result)
    remove = child.get("remove")
    if isinstance(remove, MDict):
        _apply_removals(result, remove, problems)
    if problems:
        raise InputError(problems)
    return result


def _copy_key(source: MDict, key: str, target: MDict) -> None:
    """`key` with its value and both marks, so an error still points into the file it came from."""
    target.set(key, source[key], source.key_marks[key], source.value_marks[key])


def _merged_section(base: Any, extra: MList, section: str, problems: list[Problem]) -> MList:
    """The parent's entries of one section, overridden field by field and extended by the
    variant's; an id the variant itself lists twice is reported and its second entry ignored."""
    merged = MList(extra.mark)
    index: dict[str, int] = {}
    if isinstance(base, MList):
        for item, mark in zip(base, base.item_marks, strict=True):
            entry_id = _entry_id(item)
            if entry_id is not None:
                index[entry_id] = len(merged)
            merged.add(item, mark)
    in_child: set[str] = set()
    for item, mark in zip(extra, extra.item_marks, strict=True):
        entry_id = _entry_id(item)
        if entry_id is not None and entry_id in in_child:
            # Overriding a parent's entry is the point of a variant; naming the same id
            # twice in the variant itself is a slip that would silently merge the two.
            problems.append(
                mark.problem(
                    f"duplicate {_singular(section)} id '{entry_id}' in this variant",
                    "list each id once; one entry both adds to and overrides the parent",
                )
            )
            continue
        if entry_id is not None:
            in_child.add(entry_id)
        if entry_id is not None and entry_id in index:
            pos = index[entry_id]
            merged[pos] = _merge_entry(merged[pos], item)
            merged.item_marks[pos] = mark
        else:
            if entry_id is not None:
                index[entry_id] = len(merged)
            merged.add(item, mark)
    return merged


def _singular(section: str) -> str:
    """'failure class' for `failure_classes`: how messages name one entry of a section."""
    return section[:-1].replace("_", " ")


def _apply_removals(result: MDict, remove: MDict, problems: list[Problem]) -> None:
    """Delete what `remove:` names, and the links of removed nodes (a link without its end
    would only be reported as unknown); a removal of an absent entry is a problem."""
    removed_nodes: set[str] = set()
    for section in SECTIONS:
        ids = remove.get(section)
        if not isinstance(ids, MList):
            continue
        current = result.get(section)
        present = {_entry_id(e) for e in current} if isinstance(current, MList) else set()
        for rid, mark in zip(ids, ids.item_marks, strict=True):
            if rid not in present:
                problems.append(
                    mark.problem(
                        f"cannot remove {_singular(section)} '{rid}': the parent has no such entry",
                        did_you_mean(str(rid), [p for p in present if p], _singular(section)),
                    )
                )
        wanted = {str(i) for i in ids}
        if section == "nodes":
            removed_nodes |= wanted
        if isinstance(current, MList):
            result[section] = _filtered(
                current, lambda e, gone=frozenset(wanted): _entry_id(e) not in gone
            )
    links = result.get("links")
    if removed_nodes and isinstance(links, MList):
        result["links"] = _filtered(
            links,
            lambda e: (
                not (
                    isinstance(e, MDict)
                    and (e.get("a") in removed_nodes or e.get("b") in removed_nodes)
                )
            ),
        )


def _filtered(items: MList, keep: Any) -> MList:
    out = MList(items.mark)
    for item, mark in zip(items, items.item_marks, strict=True):
        if keep(item):
            out.add(item, mark)
    return out


def _shown(path: Path) -> str:
    """A path as people typed it: relative to the working directory when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def resolve_raw(path: Path, chain: tuple[Path, ...] = (), via: Mark | None = None) -> MDict:
    """The file's raw data with its `extends:` chain applied.

    `via` is the `extends:` value that led here, so a cycle is reported on the line that
    closes it rather than at the top of a file that is itself fine.
    """
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(_shown(p) for p in (*chain, resolved))
        where = via or Mark(str(path), 1, 1)
        raise InputError(where.problem(f"extends cycle: {cycle}", "remove one extends: link"))
    if len(chain) > MAX_EXTENDS_DEPTH:
        raise InputError.at(str(path), 1, 1, "extends chain is too deep")
    data = load_yaml_with_marks(path)
    parent_ref = data.get("extends")
    if parent_ref is None:
        return data
    mark = data.mark_of("extends")
    if not isinstance(parent_ref, str):
        raise InputError(mark.problem("extends must be a file path (a string)"))
    parent_path = resolve_reference(parent_ref, path, mark, "extends")
    if not parent_path.is_file():
        raise InputError(
            mark.problem(
                f"extends: file '{parent_ref}' not found (looked for {parent_path})",
                "the path is relative to this file",
            )
        )
    parent = resolve_raw(parent_path, (*chain, resolved), mark)
    return _merge(parent, data)


def _repair(spec: Any, mark_for: Any) -> RepairTime:
    kind = spec.kind
    median_h = parse_duration_h(spec.median)
    p90_h = parse_duration_h(spec.p90) if spec.p90 is not None else None
    if median_h <= 0:
        raise UnitError("repair median must be positive")
    if kind == "lognormal":
        if p90_h is None:
            raise UnitError("a lognormal repair time needs p90 as well as median")
        if p90_h <= median_h:
            raise UnitError(f"lognormal p90 ({spec.p90}) must be above the median ({spec.median})")
    return RepairTime(kind, median_h, p90_h)


def load_topology(path: str | Path) -> Topology:
    """Load, resolve and check a topology file; raise InputError listing every problem found:
    the schema's, the references' (`twin.loading.references`) and the model's, in one run."""
    from twin.loading.schema import TopologyFile

    file_path = Path(path)
    with paused_gc():  # the raw tree, the schema models and the Topology hold no cycles
        raw = resolve_raw(file_path)
        problems = raw_reference_problems(raw)
        try:
            spec = TopologyFile.model_validate(raw)
        except ValidationError as exc:
            problems += problems_from_validation(exc, raw, TopologyFile, raw.mark)
            problems += _salvaged_problems(raw, exc)
            raise InputError(distinct(problems)) from exc
        topology = _build(spec, raw, str(file_path), problems)
        if problems:
            raise InputError(distinct(problems))
        return topology


def _salvaged_problems(raw: MDict, exc: ValidationError) -> list[Problem]:
    """The faults the schema's refusal hid: duplicate ids, lengths shorter than the geodesic,
    repair times, found on the entries the schema accepted, so one run reports them all."""
    from twin.loading.schema import TopologyFile

    salvaged = salvage(raw, exc, SECTIONS, required=("name", "nodes"))
    if salvaged is None:
        return []
    try:
        spec = TopologyFile.model_validate(salvaged)
    except ValidationError:
        return []
    problems: list[Problem] = []
    _build(spec, salvaged, "", problems)
    return problems


def _entry_mark(raw: MDict, section: str, index: int, key: str | None = None) -> Mark:
    items = raw.get(section)
    if not isinstance(items, MList):
        return raw.mark
    entry = items[index] if index < len(items) else None
    if key is not None and isinstance(entry, MDict):
        return entry.mark_of(key)
    return items.mark_of(index)


def _build(spec: Any, raw: MDict, name: str, problems: list[Problem]) -> Topology:
    """The model from schema-valid data, adding every fault found to `problems`.

    References (unknown ids, self-loops) are not checked here but in `twin.loading.references`
    on the raw file; a link whose ends are not both known nodes is left out of the model, which
    is then only good for finding the remaining faults.
    """
    for section in SECTIONS:
        _check_unique(raw, section, getattr(spec, section), problems)
    nodes = {n.id: _node(n) for n in spec.nodes}
    _check_hubs(spec, raw, problems)
    links: dict[str, Link] = {}
    for i, link_spec in enumerate(spec.links):
        link = _link(spec, i, link_spec, raw, nodes, problems)
        if link is not None:
            links[link.id] = link
    return Topology(
        name=spec.name,
        nodes=nodes,
        links=links,
        srlgs={s.id: Srlg(s.id, s.description, s.failure_class) for s in spec.srlgs},
        failure_classes=_failure_classes(spec, raw, problems),
        description=spec.description,
        route_factor=spec.route_factor,
        source_path=name,
        latency_calibration=_calibration(spec.latency_calibration),
    )


def _check_unique(raw: MDict, section: str, items: list[Any], problems: list[Problem]) -> None:
    """Ids name elements in events, reports and variants: two entries with one id are refused."""
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.id in seen:
            first = _entry_mark(raw, section, seen[item.id], "id")
            problems.append(
                _entry_mark(raw, section, i, "id").problem(
                    f"duplicate {_singular(section)} id '{item.id}' "
                    f"(first defined at {first.path}:{first.line})",
                    "ids must be unique; rename one, or override it in a variant",
                )
            )
        else:
            seen[item.id] = i


def _failure_classes(spec: Any, raw: MDict, problems: list[Problem]) -> dict[str, FailureClass]:
    """The failure classes whose repair time makes sense; each other one is a problem."""
    classes: dict[str, FailureClass] = {}
    for i, fc in enumerate(spec.failure_classes):
        try:
            repair = _repair(fc.repair, None)
        except UnitError as exc:
            mark = _entry_mark(raw, "failure_classes", i, "repair")
            problems.append(mark.problem(f"failure class {fc.id}: {exc}"))
            continue
        seasonal_mark = _entry_mark(raw, "failure_classes", i, "seasonal")
        seasonal = seasonal_factors(fc.seasonal, seasonal_mark, f"failure class {fc.id}", problems)
        classes[fc.id] = FailureClass(
            fc.id,
            fc.basis,
            fc.rate,
            repair,
            fc.multiplier,
            fc.description,
            tuple(fc.source),
            fc.estimate,
            seasonal,
        )
    return classes


def _node(n: Any) -> Node:
    return Node(
        n.id,
        n.name,
        n.country,
        n.role,
        n.lat,
        n.lon,
        n.equipment_delay_ms,
        n.failure_class,
        tuple(n.source),
        n.estimate,
        n.hub,
    )


def _link(
    spec: Any, i: int, link: Any, raw: MDict, nodes: dict[str, Node], problems: list[Problem]
) -> Link | None:
    """One link, or None when it cannot be placed (an end unknown, both ends one node, a cable
    without a length): a link's latency comes from its length, so none may be guessed."""
    placeable = link.a in nodes and link.b in nodes and link.a != link.b
    if link.kind == "terrestrial" and link.sea is not None:
        problems.append(
            _entry_mark(raw, "links", i, "sea").problem(
                f"link {link.id} is terrestrial but names a sea",
                "remove 'sea:' or set 'kind: submarine'",
            )
        )
    if link.kind == "submarine" and link.length_km is None:
        problems.append(
            _entry_mark(raw, "links", i).problem(
                f"submarine link {link.id} needs length_km",
                "cable lengths are published (or measurable on the route map); a geodesic "
                "guess is not good enough under water",
            )
        )
        return None
    if not placeable:
        return None
    length_km = _length_km(link, nodes, spec.route_factor, raw, i, problems)
    return Link(
        link.id,
        link.a,
        link.b,
        link.kind,
        float(length_km),
        link.capacity_gbps,
        link.failure_class,
        tuple(link.srlgs),
        link.status,
        link.name,
        link.sea,
        link.length_km is None,
        tuple(link.source),
        link.estimate,
        link.igp_metric,
    )


def _length_km(
    link: Any,
    nodes: dict[str, Node],
    route_factor: float,
    raw: MDict,
    i: int,
    problems: list[Problem],
) -> float:
    """The stated length, or the geodesic times the route factor; physics first: a stated
    length shorter than the geodesic (light faster than in fibre) is a problem."""
    a, b = nodes[link.a], nodes[link.b]
    at = _entry_mark(raw, "links", i)
    length: float | None = link.length_km
    if length is None:
        length = geodesic_km(a.lat, a.lon, b.lat, b.lon) * route_factor
        if length <= 0.0:
            problems.append(
                at.problem(
                    f"link {link.id}: {link.a} and {link.b} stand at the same coordinates, so "
                    "no length can be derived from them",
                    "state length_km, or correct the nodes' lat/lon",
                )
            )
        return length
    if length >= shortest_credible_length_km(geodesic_upper_bound_km(a.lat, a.lon, b.lat, b.lon)):
        return length
    # Only a length within about 1 % of the bound needs the exact geodesic to be judged.
    geodesic = geodesic_km(a.lat, a.lon, b.lat, b.lon)
    shortest = shortest_credible_length_km(geodesic)
    if length < shortest:
        problems.append(
            _entry_mark(raw, "links", i, "length_km").problem(
                f"link {link.id}: length_km {length:g} is shorter than the geodesic "
                f"{geodesic:.1f} km between {link.a} and {link.b} (light would travel "
                "faster than in fibre)",
                f"use at least {shortest:.1f} km (the geodesic less the coordinates' "
                "uncertainty), or check the ends' coordinates",
            )
        )
    return length


def _calibration(spec: Any) -> LatencyCalibration | None:
    if spec is None:
        return None
    return LatencyCalibration(
        spec.stretch,
        spec.overhead_ms,
        spec.source,
        spec.fitted_on,
        spec.date,
        spec.out_of_sample_mae_ms,
        tuple(
            CorridorCalibration(c.name, tuple(c.countries), c.stretch, c.overhead_ms)
            for c in spec.corridors
        ),
    )


def _check_hubs(spec: Any, raw: MDict, problems: list[Problem]) -> None:
    """At most one `hub: true` node per country: a country pair must map to one node pair."""
    first: dict[str, int] = {}
    for i, n in enumerate(spec.nodes):
        if not n.hub:
            continue
        if "/" in n.country:
            mark = _entry_mark(raw, "nodes", i, "hub")
            problems.append(
                mark.problem(
                    f"node {n.id} is marked hub but stands on a border ({n.country})",
                    "mark a node of one country as its hub",
                )
            )
        elif n.country in first:
            mark = _entry_mark(raw, "nodes", i, "hub")
            other = spec.nodes[first[n.country]].id
            problems.append(
                mark.problem(
                    f"node {n.id} is a second hub of {n.country} (node {other} is one already)",
                    "keep hub: true on one node per country",
                )
            )
        else:
            first[n.country] = i
