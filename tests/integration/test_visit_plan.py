"""The three-way merge of a visit's records (tracker.visit_merge.plan), property-based: random
edit sequences on the server and on the laptop since the export, then the merge."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.visit_merge import plan

#: a small universe of records: figures (compared on value, unit, note; gid carried along), actions, a profile
#: field and targets (compared on basis, reduction and date; who set them and when carried along)
KEYS = [("figure", "E1", "2024-01-01", "2024-03-31", "baseline", "energy", c) for c in ("electricity", "diesel")] + [
    ("figure", "E2", "2024-01-01", "2024-03-31", "baseline", "waste", ""), ("action", "a1"), ("action", "a2"),
    ("action", "a3"), ("profile", "E1", "sector"), ("target", "E1", "energy"), ("target", "E1", "waste"),
    ("target", "E2", "energy")]


def state(key, n: int, salt: str = "") -> dict:
    """The ``n``-th state of ``key`` (two sides writing the same n write the same state)."""
    if key[0] == "figure":
        return {"value": float(n), "unit": "kWh", "note": "", "gid": f"g{salt}"}  # gid differs: not compared
    if key[0] == "profile":
        return {"value": f"sector {n}"}
    if key[0] == "target":  # set_by and set_at differ: not compared
        return {"basis": ("absolute", "per_production")[n % 2], "reduction": 0.1 * (n + 1),
                "target_date": f"203{n}-12-31", "set_by": f"trainer {salt}", "set_at": f"at {salt}"}
    return {"enterprise": key[1], "description": f"action {n}"}


#: an edit: (record, new state number, or None to delete it)
edits = st.lists(st.tuples(st.sampled_from(range(len(KEYS))), st.one_of(st.none(), st.integers(0, 3))),
                 max_size=8)
bases = st.dictionaries(st.sampled_from(range(len(KEYS))), st.integers(0, 3), max_size=len(KEYS))


def edited(base: dict, sequence, salt: str) -> dict:
    out = dict(base)
    for i, n in sequence:
        key = KEYS[i]
        if n is None:
            if key[0] != "profile":  # a profile field is never deleted
                out.pop(key, None)
        else:
            out[key] = state(key, n, salt)
    return out


def merged(server: dict, changes: dict) -> dict:
    out = dict(server)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def numbers(side: dict) -> dict:
    """What a side holds, compared as people see it (state numbers, gids aside)."""
    def number(k, v):
        if k[0] == "action":
            return v["description"]
        if k[0] == "target":
            return (v["basis"], v["reduction"], v["target_date"])
        return v.get("value")
    return {k: number(k, v) for k, v in side.items()}


@settings(max_examples=300, deadline=None)
@given(bases, edits, edits)
def test_conflicts_are_exactly_the_records_changed_on_both_sides_and_the_rest_merges(base_n, on_server, on_laptop):
    base = {KEYS[i]: state(KEYS[i], n, "b") for i, n in base_n.items()}
    server, laptop = edited(base, on_server, "s"), edited(base, on_laptop, "l")
    out = plan(base, laptop, server)
    nb, ns, nl = numbers(base), numbers(server), numbers(laptop)
    changed_s = {k for k in KEYS if ns.get(k) != nb.get(k)}
    changed_l = {k for k in KEYS if nl.get(k) != nb.get(k)}
    both = {k for k in changed_s & changed_l if ns.get(k) != nl.get(k)}
    assert {c.key for c in out.conflicts} == both
    # what is written: the laptop's change where the server did not change the record
    assert set(out.changes) == {k for k in changed_l - changed_s}
    result = numbers(merged(server, out.changes))
    for k in KEYS:
        if k in both:
            assert result.get(k) == ns.get(k)  # nothing overwritten silently
        elif k in changed_l:
            assert result.get(k) == nl.get(k)
        else:
            assert result.get(k) == ns.get(k)  # the server's own changes and untouched records kept
    # every conflict resolved for the laptop: the laptop's state everywhere it changed
    resolved = plan(base, laptop, server, {c.key: "laptop" for c in out.conflicts})
    assert not resolved.conflicts
    after = merged(server, resolved.changes)
    assert numbers(after) == {**{k: v for k, v in ns.items() if k not in changed_l},
                              **{k: v for k, v in nl.items() if k in changed_l}}
    # merged again, the same package changes nothing and finds no conflict
    again = plan(base, laptop, after)
    assert (again.changes, again.conflicts) == ({}, [])
    kept = plan(base, laptop, server, {c.key: "server" for c in out.conflicts})
    assert not kept.conflicts and sorted(kept.kept) == sorted(both)


def test_a_figure_deleted_and_entered_again_with_the_same_value_is_no_change():
    key = KEYS[0]
    base = {key: state(key, 1, "old")}
    laptop = {key: state(key, 1, "new")}  # another gid, the same value, unit and note
    out = plan(base, laptop, {key: state(key, 2, "srv")})
    assert (out.changes, out.conflicts) == ({}, [])


@settings(max_examples=200, deadline=None)
@given(bases, edits, edits)
def test_two_trainers_packages_of_different_enterprises_merge_in_either_order_to_the_same_result(base_n, one, two):
    base = {KEYS[i]: state(KEYS[i], n, "b") for i, n in base_n.items()}
    mine = [k for k in KEYS if k[1] == "E1" or k[1] in ("a1", "a2")]  # trainer A's records (E1's targets too)
    a = {k: v for k, v in edited(base, one, "a").items()}
    b = {k: v for k, v in edited(base, two, "b2").items()}
    base_a = {k: v for k, v in base.items() if k in mine}
    base_b = {k: v for k, v in base.items() if k not in mine}
    lap_a = {k: v for k, v in a.items() if k in mine}
    lap_b = {k: v for k, v in b.items() if k not in mine}
    server = dict(base)
    first = merged(server, plan(base_a, lap_a, server).changes)
    ab = merged(first, plan(base_b, lap_b, first).changes)
    first = merged(server, plan(base_b, lap_b, server).changes)
    ba = merged(first, plan(base_a, lap_a, first).changes)
    assert numbers(ab) == numbers(ba)
    assert numbers(ab) == numbers({**lap_a, **lap_b})
