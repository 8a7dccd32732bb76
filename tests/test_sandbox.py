"""guardian.sandbox through its real API: the data-only codec, isolation detection, raised(), and
the zygote and its executors (calls, load and call timeouts, crashes, a killed zygote)."""

from __future__ import annotations

import builtins
import contextlib
import json
import math
import os
import shutil
import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardian.sandbox import codec
from guardian.sandbox.client import (
    SANDBOX_UID_BASE,
    CandidateCrash,
    CandidateRaised,
    CandidateTimeout,
    Limits,
    Sandbox,
    raised,
)
from guardian.sandbox.isolation import LEVELS, Isolation, detect


def typed(value: Any) -> Any:
    """A hashable picture of ``value`` keeping exact types, float signs and NaNs, dict order."""
    kind = type(value)
    if kind is float:
        return ("float", repr(value))
    if kind is complex:
        return ("complex", repr(value.real), repr(value.imag))
    if kind in (list, tuple):
        return (kind.__name__, tuple(typed(v) for v in value))
    if kind is dict:
        return ("dict", tuple((typed(k), typed(v)) for k, v in value.items()))
    if kind in (set, frozenset):
        return (kind.__name__, frozenset(typed(v) for v in value))
    return (kind.__name__, value)


scalars = (st.none() | st.booleans() | st.integers() | st.integers(-(2**200), 2**200)
           | st.floats() | st.text(max_size=20) | st.binary(max_size=20)
           | st.complex_numbers())
hashables = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=10) | st.binary(max_size=10) | st.complex_numbers(allow_nan=False),
    lambda inner: st.tuples(inner, inner) | st.frozensets(inner, max_size=3), max_leaves=6)
tag_like = st.sampled_from(["$int", "$float", "$tuple", "$dict", "$set", "$frozenset",
                            "$bytes", "$complex", "$other", "$"])
values = st.recursive(
    scalars | hashables,
    lambda inner: (st.lists(inner, max_size=4) | st.tuples(inner, inner)
                   | st.dictionaries(st.text(max_size=8) | tag_like, inner, max_size=3)
                   | st.dictionaries(hashables, inner, max_size=3)
                   | st.sets(hashables, max_size=3) | st.frozensets(hashables, max_size=3)),
    max_leaves=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (st.lists(inner, max_size=3)
                   | st.dictionaries(tag_like | st.text(max_size=4), inner, max_size=2)),
    max_leaves=12)


class TestCodecRoundTrip:
    @settings(max_examples=60)
    @given(values)
    def test_decode_inverts_encode(self, value: Any) -> None:
        """Every supported value comes back with the same types, order, signs and NaNs."""
        assert typed(codec.decode(codec.encode(value))) == typed(value)

    @settings(max_examples=60)
    @given(values)
    def test_loads_inverts_dumps_through_strict_json(self, value: Any) -> None:
        """dumps writes strict JSON (no NaN/Infinity tokens) that loads turns back."""
        text = codec.dumps(value)

        def no_constants(token: str) -> None:
            raise AssertionError(f"non-standard JSON token {token}")

        json.loads(text, parse_constant=no_constants)
        assert typed(codec.loads(text)) == typed(value)

    @settings(max_examples=40)
    @given(st.sets(hashables, max_size=6))
    def test_sets_encode_the_same_whatever_their_order(self, items: set[Any]) -> None:
        """A set's encoding does not depend on its iteration order."""
        rebuilt = set(reversed(list(items)))
        assert codec.dumps(items) == codec.dumps(rebuilt)

    def test_big_ints_and_odd_floats_are_tagged(self) -> None:
        """Ints past 2**53 and non-finite floats are tagged so JSON cannot change them."""
        assert codec.encode((1 << 53) - 1) == (1 << 53) - 1
        assert codec.encode(1 << 53) == {"$int": str(1 << 53)}
        assert codec.encode(-(1 << 53)) == {"$int": str(-(1 << 53))}
        assert codec.encode(math.inf) == {"$float": "inf"}
        assert math.isnan(codec.decode(codec.encode(math.nan)))

    def test_dicts_whose_keys_look_like_tags_stay_dicts(self) -> None:
        """A dict {'$int': '5'} comes back as that dict, not as the int 5."""
        for value in ({"$int": "5"}, {"$tuple": []}, {"$x": 1, "y": 2}):
            assert codec.decode(codec.encode(value)) == value
            assert type(codec.decode(codec.encode(value))) is dict


class Yes(int):
    """An int that equals everything (and records whether the codec ever asked it)."""

    asked = False

    def __eq__(self, other: object) -> bool:
        Yes.asked = True
        return True

    def __ne__(self, other: object) -> bool:
        Yes.asked = True
        return False

    def __hash__(self) -> int:
        Yes.asked = True
        return 0

    def __repr__(self) -> str:
        Yes.asked = True
        return "Yes()"


class Text(str):
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = str.__hash__


class Items(list):  # type: ignore[type-arg]
    pass


class Mapping(dict):  # type: ignore[type-arg]
    pass


class Anything:
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__


def nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


class TestCodecRefusals:
    @pytest.mark.parametrize("value", [
        Yes(1), Text("x"), Items([1]), Mapping(a=1), Anything(), object(), len,
        __import__("collections").namedtuple("P", "x")(1), __import__("decimal").Decimal(1),
        [1, Yes(2)], {"k": Text("v")}, {Yes(1): 2}, {1, Yes(3)}, (Anything(),),
        range(3), bytearray(b"x"), 10**5000, nested(400),
    ], ids=lambda v: type(v).__name__)
    def test_refuses_what_is_not_exactly_a_builtin_value(self, value: Any) -> None:
        """Subclasses of built-ins, foreign objects, ints too long for str() and values
        nested too deeply are refused with CodecError."""
        with pytest.raises(codec.CodecError):
            codec.encode(value)
        with pytest.raises(codec.CodecError):
            codec.dumps(value)

    def test_a_hostile_eq_is_never_called(self) -> None:
        """Refusing an int subclass never calls its __eq__, __hash__ or __repr__."""
        Yes.asked = False
        with pytest.raises(codec.CodecError):
            codec.encode([1, 2, Yes(3)])
        assert Yes.asked is False


class TestMalformedPayloads:
    @pytest.mark.parametrize("data", [
        {"$int": 5}, {"$int": "x"}, {"$int": "9" * 5001}, {"$int": "9" * 4400},
        {"$float": "1.5"}, {"$float": 1.5}, {"$tuple": "ab"}, {"$tuple": {"a": 1}},
        {"$dict": [[1]]}, {"$dict": [[[1], 2]]}, {"$dict": "x"}, {"$set": [[1]]},
        {"$frozenset": [{"a": 1}]}, {"$bytes": "zz"}, {"$bytes": 5}, {"$complex": [1]},
        {"$complex": ["a", "b"]}, (1, 2), b"x", 1j, object(), nested(300),
    ], ids=repr)
    def test_decode_refuses_what_encode_never_makes(self, data: Any) -> None:
        """Malformed tags, wrong shapes and non-JSON types raise CodecError."""
        with pytest.raises(codec.CodecError):
            codec.decode(data)

    @pytest.mark.parametrize("text", ["{", "[1,", "", "\xff", b"\xff\xfe", "[" * 100_000,
                                      '{"$set": [[1]]}', '{"$bytes": "q"}'])
    def test_loads_refuses_malformed_text(self, text: str | bytes) -> None:
        """Broken JSON, bad bytes and nesting deep enough to overflow raise CodecError."""
        with pytest.raises(codec.CodecError):
            codec.loads(text)

    @given(json_values)
    def test_decode_raises_nothing_but_codec_error(self, data: Any) -> None:
        """Whatever JSON arrives, decode returns a value or raises CodecError, nothing else."""
        with contextlib.suppress(codec.CodecError):
            codec.decode(data)


class TestIsolation:
    def test_detect_gives_a_consistent_record(self) -> None:
        """The detected level's fields agree with each other and with the machine."""
        iso = detect()
        assert iso.level in LEVELS
        assert os.path.isfile(iso.python)
        namespaced = iso.level in ("namespaces+uid", "namespaces")
        assert (iso.network == "none") is namespaced
        assert iso.pid_namespace is namespaced
        assert (iso.bwrap is not None) is namespaced
        assert iso.separate_uid is (iso.level in ("namespaces+uid", "uid"))
        if iso.separate_uid:
            assert os.getuid() == 0
        data = iso.to_json()
        assert set(data) == {"level", "network", "pid_namespace", "separate_uid", "python",
                             "bwrap", "notes"}
        assert json.loads(json.dumps(data)) == data
        assert Isolation(**{**data, "notes": tuple(data["notes"])}) == iso

    def test_root_with_bubblewrap_gets_the_strongest_level(self) -> None:
        """As root with a working bubblewrap (this machine, CI) the level is namespaces+uid."""
        if os.getuid() != 0 or not shutil.which("bwrap"):
            pytest.skip(f"not root with bubblewrap here (level {detect().level!r})")
        iso = detect()
        assert iso.level == "namespaces+uid", iso.notes
        assert iso.notes == ()

    def test_without_bubblewrap_the_record_says_so(self) -> None:
        """Barred from bubblewrap, detection falls back to uid or process, with the network
        reachable, no pid namespace, and a note saying why."""
        iso = detect(allow_bwrap=False)
        assert iso.level in ("uid", "process")
        assert iso.network == "host" and iso.pid_namespace is False and iso.bwrap is None
        assert any("bubblewrap" in note for note in iso.notes)

    def test_at_least_orders_the_levels(self) -> None:
        """at_least is true for the same level and every weaker one, false for stronger."""
        for i, level in enumerate(LEVELS):
            iso = Isolation(level, "host", False, False, "/usr/bin/python3")
            assert [iso.at_least(other) for other in LEVELS] == [j >= i for j in
                                                                  range(len(LEVELS))]


BUILTIN_EXCEPTIONS = sorted(
    name for name, obj in vars(builtins).items()
    if isinstance(obj, type) and issubclass(obj, BaseException))


class TestRaised:
    @pytest.mark.parametrize("name", BUILTIN_EXCEPTIONS)
    def test_every_builtin_exception_maps_without_failing(self, name: str) -> None:
        """Each built-in maps to a CandidateRaised that is also that built-in (or, when its
        constructor needs fixed arguments, its nearest base that does not), keeping the name,
        message and place; BaseExceptions that are not Exceptions never become themselves."""
        base = getattr(builtins, name)
        exc = raised({"type": name, "message": "boom", "where": "solution.py:3 in f",
                      "builtin": True})
        assert isinstance(exc, CandidateRaised)
        assert (exc.type_name, exc.message, exc.where) == (name, "boom", "solution.py:3 in f")
        assert f"{name}: boom (solution.py:3 in f)" in str(exc)
        if not issubclass(base, Exception):
            assert not isinstance(exc, base) or base is BaseException
            assert type(exc) is CandidateRaised
        elif name not in ("UnicodeDecodeError", "UnicodeEncodeError", "UnicodeTranslateError",
                          "ExceptionGroup"):
            assert isinstance(exc, base)
        elif name.startswith("Unicode"):
            assert isinstance(exc, UnicodeError) and isinstance(exc, ValueError)

    def test_pytest_raises_catches_a_mapped_exception(self) -> None:
        """pytest.raises(ValueError) and pytest.raises(LookupError) catch the mapped forms."""
        with pytest.raises(ValueError, match="bad input"):
            raise raised({"type": "ValueError", "message": "bad input", "builtin": True})
        with pytest.raises(LookupError):
            raise raised({"type": "KeyError", "message": "k", "builtin": True})
        with pytest.raises(ValueError):
            raise raised({"type": "UnicodeDecodeError", "message": "x", "builtin": True})

    @pytest.mark.parametrize("info", [
        {"type": "ValueError", "message": "m"},                    # not flagged built-in
        {"type": "ValueError", "message": "m", "builtin": False},
        {"type": "MyError", "message": "m", "builtin": True},      # no such built-in
        {"type": "CandidateRaised", "message": "m", "builtin": True},
        {"type": "SystemExit", "message": "0", "builtin": True},
        {"type": "KeyboardInterrupt", "message": "", "builtin": True},
        {},
    ], ids=repr)
    def test_everything_else_is_plain_candidate_raised(self, info: dict[str, Any]) -> None:
        """Unflagged, unknown and non-Exception types stay plain CandidateRaised."""
        assert type(raised(info)) is CandidateRaised

    def test_long_fields_are_cut(self) -> None:
        """Type names, messages and places are cut to 100, 2000 and 200 characters."""
        exc = raised({"type": "X" * 500, "message": "m" * 10_000, "where": "w" * 1000})
        assert (len(exc.type_name), len(exc.message), len(exc.where)) == (100, 2000, 200)


SMALL = Limits(call_seconds=1.0, task_seconds=20, memory_bytes=256 << 20, cpu_seconds=20)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(detect(), limits=SMALL) as sb:
        yield sb


def living(uid: int) -> list[int]:
    """Pids (not zombies) running as ``uid``."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as fh:
                status = dict(line.split(":\t", 1) for line in fh if ":\t" in line)
        except OSError:
            continue
        if int(status["Uid"].split()[0]) == uid and not status["State"].startswith("Z"):
            found.append(int(name))
    return found


@pytest.mark.slow
class TestExecutor:
    def test_a_call_returns_the_decoded_value(self, sandbox: Sandbox) -> None:
        """Arguments and results cross as data, types intact."""
        ex = sandbox.executor("def f(a, *, b):\n    return [a, b, (a, b), {a: b}]\n")
        try:
            assert ex.call("f", (1,), {"b": "x"}) == [1, "x", (1, "x"), {1: "x"}]
            assert ex.call("f", (2**70,), {"b": {1.5}}) == [2**70, {1.5}, (2**70, {1.5}),
                                                             {2**70: {1.5}}]
        finally:
            ex.close()

    def test_values_round_trip_through_the_sandbox(self, sandbox: Sandbox) -> None:
        """Whatever supported value goes in comes back unchanged from the sandbox."""
        ex = sandbox.executor("def echo(v):\n    return v\n")

        @settings(max_examples=40)
        @given(value=values)
        def echoes(value: Any) -> None:
            assert typed(ex.call("echo", (value,))) == typed(value)

        try:
            echoes()
        finally:
            ex.close()

    def test_arguments_are_copies(self, sandbox: Sandbox) -> None:
        """The candidate mutating its argument leaves the caller's object untouched."""
        ex = sandbox.executor("def f(xs):\n    xs.append(99)\n    return xs\n")
        try:
            mine = [1, 2]
            assert ex.call("f", (mine,)) == [1, 2, 99]
            assert mine == [1, 2]
        finally:
            ex.close()

    def test_state_lives_in_one_executor_only(self, sandbox: Sandbox) -> None:
        """Module state and files persist across one executor's calls, not into the next."""
        source = ("import os\nN = [0]\n"
                  "def f():\n    N[0] += 1\n    was = os.path.exists('mark')\n"
                  "    open('mark', 'w').close()\n    return [N[0], was]\n")
        first = sandbox.executor(source)
        assert first.call("f") == [1, False]
        assert first.call("f") == [2, True]
        first.close()
        second = sandbox.executor(source)
        try:
            assert second.call("f") == [1, False]
        finally:
            second.close()

    def test_a_candidate_exception_maps_to_the_builtin(self, sandbox: Sandbox) -> None:
        """A ValueError in the candidate is a ValueError here, naming its line."""
        ex = sandbox.executor("def f(x):\n    if x < 0:\n        raise ValueError('neg')\n"
                              "    return x\n")
        try:
            with pytest.raises(ValueError, match="neg") as info:
                ex.call("f", (-1,))
            assert isinstance(info.value, CandidateRaised)
            assert info.value.where == "solution.py:3 in f"
            assert ex.call("f", (5,)) == 5  # the executor survives its exceptions
            with pytest.raises(NameError):
                ex.call("missing")
        finally:
            ex.close()

    @pytest.mark.parametrize("source, type_name", [
        ("def f(:\n", "SyntaxError"),
        ("import no_such_module_here\n", "ModuleNotFoundError"),
        ("raise SystemExit(0)\n", "SystemExit"),
    ])
    def test_load_failures_raise(self, sandbox: Sandbox, source: str, type_name: str) -> None:
        """A module that does not load raises what it raised, at load time."""
        with pytest.raises(CandidateRaised) as info:
            sandbox.executor(source)
        assert info.value.type_name == type_name

    @pytest.mark.parametrize("body", ["Yes(1)", "object()", "10 ** 5000", "[1, Yes(2)]"])
    def test_unsupported_returns_never_reach_the_harness(self, sandbox: Sandbox,
                                                         body: str) -> None:
        """An always-equal int subclass, an object or a huge int is refused in the sandbox:
        UnsupportedReturn, which no pytest.raises(ValueError) mistakes for a raise."""
        source = ("class Yes(int):\n    def __eq__(self, o):\n        return True\n"
                  "    __hash__ = int.__hash__\n"
                  f"def f():\n    return {body}\n")
        ex = sandbox.executor(source)
        try:
            with pytest.raises(CandidateRaised) as info:
                ex.call("f")
            assert info.value.type_name == "UnsupportedReturn"
            assert not isinstance(info.value, ValueError)
        finally:
            ex.close()

    def test_the_code_runs_under_the_recorded_isolation(self, sandbox: Sandbox) -> None:
        """Inside: a throw-away uid when the record says so, only loopback with no network."""
        ex = sandbox.executor(
            "import os\ndef f():\n    with open('/proc/net/dev') as fh:\n"
            "        ifaces = sorted(l.split(':')[0].strip() for l in fh.readlines()[2:])\n"
            "    return [os.getuid(), ifaces, sorted(os.environ)]\n")
        try:
            uid, ifaces, env = ex.call("f")
        finally:
            ex.close()
        if sandbox.isolation.separate_uid:
            assert uid == sandbox.uid and uid >= SANDBOX_UID_BASE
        if sandbox.isolation.network == "none":
            assert ifaces == ["lo"]
        assert set(env) <= {"PATH", "LANG", "HOME", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE",
                            "PWD", "GUARDIAN_SCRATCH"}

    def test_the_memory_limit_applies(self, sandbox: Sandbox) -> None:
        """Allocating past the memory limit is the candidate's MemoryError."""
        ex = sandbox.executor("def f():\n    return len(bytearray(1 << 30))\n")
        try:
            with pytest.raises(MemoryError):
                ex.call("f")
        finally:
            ex.close()


@pytest.mark.slow
class TestTimeouts:
    def test_a_hung_call_times_out_and_the_next_call_reloads(self, sandbox: Sandbox) -> None:
        """A call past its limit is CandidateTimeout (the executor killed); the next call on the
        same Executor loads the code afresh and answers."""
        restarts = sandbox.restarts
        ex = sandbox.executor("def f(x):\n    while x:\n        pass\n    return 'done'\n")
        try:
            started = time.monotonic()
            with pytest.raises(CandidateTimeout):
                ex.call("f", (1,))
            assert SMALL.call_seconds <= time.monotonic() - started < SMALL.call_seconds + 3
            assert ex.ended == "killed by SIGKILL"
            assert ex.call("f", (0,)) == "done"
        finally:
            ex.close()
        assert sandbox.restarts == restarts  # only the executor died, not the zygote

    def test_a_module_that_hangs_while_loading_times_out(self, sandbox: Sandbox) -> None:
        """A module-level infinite loop is a CandidateTimeout from loading."""
        started = time.monotonic()
        with pytest.raises(CandidateTimeout):
            sandbox.executor("while True:\n    pass\n")
        assert time.monotonic() - started < SMALL.call_seconds + 3
        ex = sandbox.executor("def f():\n    return 1\n")
        assert ex.call("f") == 1
        ex.close()

    def test_the_task_budget_adds_up_across_calls(self) -> None:
        """Calls share the task's wall-clock budget: once spent, calls fail at once."""
        limits = Limits(call_seconds=0.4, task_seconds=0.6)
        with Sandbox(detect(), limits=limits) as sb:
            ex = sb.executor("import time\ndef f(t):\n    time.sleep(t)\n    return t\n")
            with pytest.raises(CandidateTimeout):
                ex.call("f", (5,))
            with pytest.raises(CandidateTimeout):
                ex.call("f", (5,))
            started = time.monotonic()
            with pytest.raises(CandidateTimeout, match="used up"):
                ex.call("f", (0,))
            assert time.monotonic() - started < 0.2
            ex.close()


ZYGOTE_STARTED = ("import os\n"
                  "def zygote():\n"
                  "    with open(f'/proc/{os.getppid()}/stat') as fh:\n"
                  "        return fh.read().rsplit(')', 1)[1].split()[19]\n"
                  "def f():\n    return 7\n")


@pytest.mark.slow
class TestCrashesAndRestarts:
    @pytest.mark.parametrize("body, ended", [
        ("os._exit(3)", "exit 3"),
        ("os.kill(os.getpid(), signal.SIGKILL)", "killed by SIGKILL"),
        ("os.abort()", "killed by SIGABRT"),
    ])
    def test_a_crash_is_named_and_the_next_executor_works(self, sandbox: Sandbox, body: str,
                                                          ended: str) -> None:
        """A dying executor is CandidateCrash naming how it ended; the sandbox carries on."""
        ex = sandbox.executor(f"import os, signal\ndef f():\n    {body}\n")
        with pytest.raises(CandidateCrash, match=ended):
            ex.call("f")
        assert ex.ended == ended
        again = sandbox.executor("def f():\n    return 'fine'\n")
        assert again.call("f") == "fine"
        again.close()

    def test_a_zygote_killed_from_inside_is_restarted(self) -> None:
        """Code that kills its parent (the zygote) crashes; the next executor runs under a new
        zygote."""
        with Sandbox(detect(), limits=SMALL) as sb:
            before = sb.executor(ZYGOTE_STARTED)
            old = before.call("zygote")
            before.close()
            ex = sb.executor("import os\ndef f():\n    os.kill(os.getppid(), 9)\n"
                             "    import time\n    time.sleep(1)\n")
            with pytest.raises((CandidateCrash, CandidateTimeout)) as info:
                ex.call("f")  # without a pid namespace the executor outlives its zygote
            if sb.isolation.pid_namespace:
                assert isinstance(info.value, CandidateCrash)
                assert "the sandbox itself was killed" in str(info.value)
            again = sb.executor(ZYGOTE_STARTED)
            assert again.call("zygote") != old
            assert again.call("f") == 7
            again.close()

    def test_a_zygote_killed_from_outside_is_restarted(self) -> None:
        """SIGKILL to the sandbox's host process: a live executor answers or crashes (its
        namespace is torn down asynchronously), the next executor runs under a new zygote, and
        an idle sandbox restarts on demand."""
        with Sandbox(detect(), limits=SMALL) as sb:
            ex = sb.executor(ZYGOTE_STARTED)
            old = ex.call("zygote")
            self._kill_host_side(sb)
            with contextlib.suppress(CandidateCrash):
                assert ex.call("f") == 7
            ex.close()
            again = sb.executor(ZYGOTE_STARTED)
            new = again.call("zygote")
            assert new != old and again.call("f") == 7
            again.close()
            self._kill_host_side(sb)  # now with no executor running
            third = sb.executor(ZYGOTE_STARTED)
            assert third.call("zygote") not in (old, new)
            assert sb.restarts >= 1
            third.close()

    @staticmethod
    def _kill_host_side(sb: Sandbox) -> None:
        proc = sb._proc  # the host side of the sandbox (bubblewrap, or the zygote itself)
        assert proc is not None
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def test_closing_leaves_no_process_behind(self) -> None:
        """After close(), nothing runs as the sandbox's uid: not the zygote, not a double-forked
        daemon an executor left."""
        sb = Sandbox(detect(), limits=SMALL, slot=7)  # its own uid: slot 0 is the fixture's
        sb.start()
        if sb.uid is None:
            sb.close()
            pytest.skip(f"isolation here is {sb.isolation.level!r}: no separate uid to scan")
        uid = sb.uid
        ex = sb.executor("import os, time\ndef f():\n    if os.fork() == 0:\n"
                         "        os.setsid()\n        if os.fork() == 0:\n"
                         "            time.sleep(60)\n        os._exit(0)\n"
                         "    return 'spawned'\n")
        assert ex.call("f") == "spawned"
        assert living(uid)
        ex.close()
        sb.close()
        deadline = time.monotonic() + 3
        while living(uid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert living(uid) == []
