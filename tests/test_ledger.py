"""The ledger's pure parts: canonical bytes, entry hashing and MACs, parsing, replay, changes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardian.errors import KBError, LedgerError
from guardian.kb.canonical import (
    ZERO_HASH,
    canonical_json,
    ledger_line,
    lesson_digest,
    lesson_file_bytes,
    set_digest,
)
from guardian.kb.change import Change, entry_body
from guardian.kb.ledger import (
    Entry,
    Head,
    LedgerKey,
    entry_hash,
    mac_input,
    seal,
    shape_problems,
    split_ledger,
)
from guardian.kb.replay import (
    ACTIONS,
    Effect,
    Replay,
    ReplayError,
    effect_of,
    register_action,
    replay,
)
from guardian.records import Finding, Lesson

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


def lesson(lesson_id: str, **extra: Any) -> Lesson:
    doc = {"id": lesson_id, "kind": "guidance", "title": f"Title {lesson_id}",
           "body": f"Body of {lesson_id}.", **extra}
    return Lesson(lesson_id, "guidance", doc["title"], doc["body"], doc)


def build(changes: list[Change], key: LedgerKey | None = None) -> list[Entry]:
    """Seal entries for ``changes`` from an empty ledger, as a store would."""
    state = Replay()
    prev, out = ZERO_HASH, []
    for seq, change in enumerate(changes):
        body, _ = entry_body(change, seq=seq, prev=prev, time="2025-01-01T00:00:00.000000Z",
                             version="test", replay=state)
        sealed = seal(body, key)
        out.append(Entry(sealed, seq + 1))
        prev = sealed["hash"]
    return out


class TestCanonical:
    @given(json_values)
    def test_canonical_json_round_trips(self, value: Any) -> None:
        """Canonical JSON parses back to an equal value and re-serialises to the same text."""
        text = canonical_json(value)
        assert canonical_json(json.loads(text)) == text

    @given(st.dictionaries(st.text(max_size=5), st.integers(), max_size=6))
    def test_key_order_does_not_matter(self, mapping: dict[str, int]) -> None:
        """Two dicts with the same items serialise to the same bytes whatever their order."""
        reversed_order = dict(reversed(list(mapping.items())))
        assert canonical_json(mapping) == canonical_json(reversed_order)

    def test_ledger_line_is_compact_utf8_with_newline(self) -> None:
        """A ledger line has no spaces, keeps non-ASCII as UTF-8 and ends in one newline."""
        line = ledger_line({"b": "Grüße", "a": [1, 2]})
        assert line == '{"a":[1,2],"b":"Grüße"}\n'.encode()

    def test_lesson_file_is_pretty_sorted_with_trailing_newline(self) -> None:
        """Lesson files are indented by two, keys sorted, and end in a newline."""
        data = lesson_file_bytes({"title": "T", "id": "x"})
        assert data == b'{\n  "id": "x",\n  "title": "T"\n}\n'

    @pytest.mark.parametrize("bad", [float("nan"), float("inf"), {"k": object()}, "\ud800"])
    def test_unrepresentable_values_raise_kb_error(self, bad: Any) -> None:
        """NaN, Infinity, non-JSON objects and lone surrogates are refused with KBError."""
        with pytest.raises(KBError, match="canonical JSON"):
            canonical_json({"x": bad}, where="lesson 'x'")

    def test_set_digest_depends_on_ids_and_content(self) -> None:
        """The KB digest changes when a lesson's content or its id changes."""
        a = lesson_digest({"id": "a", "body": "1"})
        assert set_digest({"a": a}) != set_digest({"b": a})
        assert set_digest({"a": a}) != set_digest({"a": lesson_digest({"id": "a", "body": "2"})})
        assert set_digest({}) == set_digest({})


class TestEntries:
    def test_hash_covers_everything_but_hash_and_mac(self) -> None:
        """Changing any field but hash/mac changes the hash; mac does not."""
        entry = build([Change.imported(lesson("a"))])[0].to_dict()
        assert entry_hash(entry) == entry["hash"]
        assert entry_hash({**entry, "mac": "x"}) == entry["hash"]
        assert entry_hash({**entry, "reasons": ["other"]}) != entry["hash"]

    def test_chain_links_each_entry_to_the_previous_hash(self) -> None:
        """The first entry's prev is 64 zeros; each later prev is the previous hash."""
        entries = build([Change.imported(lesson("a")), Change.imported(lesson("b")),
                         Change.retire("a")])
        assert entries[0].prev == ZERO_HASH
        assert [e.prev for e in entries[1:]] == [e.hash for e in entries[:-1]]
        assert [e.seq for e in entries] == [0, 1, 2]

    def test_mac_authenticates_entry_with_key(self) -> None:
        """A MAC verifies with the key it was made with and not with another."""
        key = LedgerKey(b"secret", "K")
        entry = build([Change.imported(lesson("a"))], key)[0].to_dict()
        assert key.matches(mac_input(entry), entry["mac"])
        assert not LedgerKey(b"other", "K").matches(mac_input(entry), entry["mac"])
        assert not key.matches(mac_input({**entry, "reasons": ["x"]}), entry["mac"])

    def test_key_repr_hides_the_key(self) -> None:
        """The key's repr names its variable but never shows the key."""
        text = repr(LedgerKey(b"hunter2-topsecret", "GUARDIAN_LEDGER_KEY"))
        assert "hunter2" not in text
        assert "GUARDIAN_LEDGER_KEY" in text

    def test_empty_key_variable_means_no_key(self) -> None:
        """An unset or empty variable gives no key."""
        assert LedgerKey.from_environ("K", {}) is None
        assert LedgerKey.from_environ("K", {"K": ""}) is None
        assert LedgerKey.from_environ("K", {"K": "x"}) is not None

    def test_entry_records_required_fields(self) -> None:
        """An import entry carries the lesson, findings, policy, reasons, version and digest."""
        finding = Finding("size-budget", "warn", "long", "/body")
        entry = build([Change.imported(lesson("a"), findings=[finding], policy={"packs": []},
                                       reasons=["why"])])[0].to_dict()
        assert entry["action"] == "import"
        assert entry["lesson"]["id"] == "a"
        assert entry["findings"] == [finding.to_dict()]
        assert entry["policy"] == {"packs": []}
        assert entry["reasons"] == ["why"]
        assert entry["kb_version"] == 1
        assert entry["guardian"] == "test"
        assert shape_problems(entry) == []

    def test_reject_entries_never_carry_the_lesson_text(self) -> None:
        """A rejected lesson is ledgered by id and digest only, so a blocked secret stays out."""
        secret = lesson("leaky", body="token ghp_0123456789abcdefghijABCDEFGHIJ012345")
        entry = build([Change.reject(secret, reasons=["secrets: a GitHub token"])])[0].to_dict()
        assert entry["lesson"] is None
        assert "ghp_" not in canonical_json(entry)
        assert entry["lesson_sha256"] == lesson_digest(secret.to_dict())
        assert entry["kb_version"] == 0

    @pytest.mark.parametrize("field,value,fragment", [
        ("seq", "1", "seq"), ("prev", "abc", "prev"), ("kb_version", True, "kb_version"),
        ("reasons", "x", "reasons"), ("mac", 5, "mac")])
    def test_shape_problems_name_the_field(self, field: str, value: Any, fragment: str) -> None:
        """A field of the wrong type is reported by name."""
        entry = build([Change.imported(lesson("a"))])[0].to_dict()
        entry[field] = value
        assert any(fragment in p for p in shape_problems(entry))


class TestSplitLedger:
    def test_torn_tail_is_kept_apart(self) -> None:
        """Bytes after the last newline are the torn tail, not an entry."""
        lines = b"".join(e.to_line() for e in build([Change.imported(lesson("a"))]))
        parsed = split_ledger(lines + b'{"seq":1,"pr')
        assert len(parsed.entries) == 1
        assert parsed.tail == b'{"seq":1,"pr'
        assert parsed.complete_size == len(lines)

    def test_bad_lines_carry_an_error_and_never_raise(self) -> None:
        """Garbage, non-objects and incomplete entries parse to lines with an error."""
        parsed = split_ledger(b"garbage\n[1]\n{}\n\xff\n")
        assert [line.entry for line in parsed.lines] == [None] * 4
        assert all(line.error for line in parsed.lines)
        assert [line.number for line in parsed.lines] == [1, 2, 3, 4]

    @given(st.binary(max_size=200))
    def test_any_bytes_parse_without_raising(self, data: bytes) -> None:
        """Whatever the file holds, parsing it never raises."""
        parsed = split_ledger(data)
        assert parsed.complete_size + len(parsed.tail) == len(data)


class TestHead:
    def test_round_trip_with_mac(self) -> None:
        """A keyed head parses back equal and its MAC verifies only with the key."""
        key = LedgerKey(b"k", "K")
        head = Head(3, "a" * 64, 3, 2, "b" * 64)
        parsed = Head.parse(head.to_bytes(key), "ledger.head")
        assert parsed.body() == head.body()
        assert parsed.mac_ok(key)
        assert not parsed.mac_ok(LedgerKey(b"other", "K"))

    @pytest.mark.parametrize("data", [b"", b"{}", b"[]", b'{"format": "guardian-ledger-head/1"}',
                                      b"\xff"])
    def test_malformed_head_raises_ledger_error(self, data: bytes) -> None:
        """A head that is not a checkpoint raises LedgerError naming the file."""
        with pytest.raises(LedgerError, match="ledger.head"):
            Head.parse(data, "ledger.head")


class TestReplay:
    def test_promote_with_supersedes_replaces_old_lessons(self) -> None:
        """Promoting a lesson that supersedes others removes them from the active set."""
        entries = build([Change.imported(lesson("a")), Change.imported(lesson("b")),
                         Change.promote(lesson("c", supersedes=["a", "b"]))])
        assert list(replay([e.data for e in entries]).active) == ["c"]

    def test_reject_and_error_do_not_change_the_kb(self) -> None:
        """Rejects and errors are ledger-only: version and digest stay put."""
        entries = build([Change.imported(lesson("a")), Change.reject(lesson("b")),
                         Change.error("c", reasons=["sandbox failed"])])
        assert [e.kb_version for e in entries] == [1, 1, 1]
        assert len({e.kb_digest for e in entries}) == 1

    def test_rollback_restores_an_earlier_version(self) -> None:
        """A rollback entry restores the active set of the named version as a new version."""
        entries = build([Change.imported(lesson("a")), Change.imported(lesson("b")),
                         Change.retire("a"), Change.rollback(1)])
        state = replay([e.data for e in entries])
        assert list(state.active) == ["a"]
        assert state.version == 4
        assert entries[-1].kb_digest == entries[0].kb_digest

    def test_retire_of_inactive_lesson_cannot_be_built(self) -> None:
        """Retiring a lesson that is not active is refused before anything is written."""
        with pytest.raises(KBError, match="not an active lesson"):
            build([Change.retire("ghost")])

    def test_rollback_to_future_version_cannot_be_built(self) -> None:
        """A rollback to a version that does not exist is refused."""
        with pytest.raises(KBError, match="no KB version 5"):
            build([Change.imported(lesson("a")), Change.rollback(5)])

    def test_unknown_action_names_the_known_ones(self) -> None:
        """An unregistered action is refused with the list of known actions."""
        with pytest.raises(ReplayError, match="unknown ledger action 'teleport'.*import"):
            effect_of("teleport")

    def test_actions_are_extensible(self) -> None:
        """A registered action (e.g. by the gate) replays like a built-in one."""
        effect = Effect("quarantine-test", changes_kb=False, carries_lesson=False,
                        apply=ACTIONS["reject"].apply)
        register_action(effect)
        try:
            entries = build([Change.imported(lesson("a")), Change("quarantine-test",
                                                                  lesson_id="a")])
            assert replay([e.data for e in entries]).version == 1
        finally:
            del ACTIONS["quarantine-test"]

    def test_tampered_lesson_document_fails_replay(self) -> None:
        """An entry whose lesson fails the schema cannot be replayed."""
        entry = build([Change.imported(lesson("a"))])[0].to_dict()
        entry["lesson"]["kind"] = "virus"
        with pytest.raises(ReplayError, match="seq 0.*schema"):
            replay([entry])

    def test_lesson_id_must_be_a_slug(self) -> None:
        """Ids that could escape the lessons folder are refused when building an entry."""
        with pytest.raises(KBError, match="not a slug"):
            build([Change.retire("../etc/passwd")])

    @given(st.lists(st.tuples(st.sampled_from(["add", "retire", "reject", "rollback"]),
                              st.integers(0, 4)), max_size=25))
    def test_replay_equals_building(self, ops: list[tuple[str, int]]) -> None:
        """Replaying sealed entries gives the same versions and digests they recorded."""
        changes: list[Change] = []
        model = Replay()
        for op, n in ops:
            ident = f"l{n}"
            if op == "add":
                change = Change.imported(lesson(ident, body=f"v{len(changes)}"))
            elif op == "retire" and ident in model.active:
                change = Change.retire(ident)
            elif op == "rollback" and n <= model.version:
                change = Change.rollback(n)
            else:
                change = Change.reject(ident)
            probe = model.copy()
            entry_body(change, seq=0, prev=ZERO_HASH, time="t", version="v", replay=probe)
            model = probe
            changes.append(change)
        entries = build(changes)
        state = Replay()
        for entry in entries:
            step = state.advance(entry.data)
            assert (step.version, step.digest) == (entry.kb_version, entry.kb_digest)
        assert state.active.keys() == model.active.keys()
