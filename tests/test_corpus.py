"""The data-driven policy corpus: every file under tests/corpus/<family>/block/ must be blocked
and every file under tests/corpus/<family>/pass/ must pass, under the whole default pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from guardian.check import check_paths
from guardian.config import Config
from guardian.policy.engine import Policy

CORPUS = Path(__file__).parent / "corpus"
SKIP_FAMILIES = {"malformed"}  # parse failures are covered by tests/test_loaders.py


def _cases() -> list[tuple[Path, str]]:
    cases = []
    for family in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        if family.name in SKIP_FAMILIES:
            continue
        for expected in ("block", "pass"):
            folder = family / expected
            if folder.is_dir():
                cases.extend((f, expected) for f in sorted(folder.iterdir()) if f.is_file())
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return Config.default(tmp_path_factory.mktemp("corpus-repo"))


@pytest.fixture(scope="module")
def policy(config: Config) -> Policy:
    return Policy.from_config(config)


class TestCorpus:
    @pytest.mark.parametrize(
        ("path", "expected"), CASES,
        ids=[f"{p.parent.parent.name}/{e}/{p.name}" for p, e in CASES])
    def test_verdict(self, path: Path, expected: str, config: Config, policy: Policy) -> None:
        """A corpus file gets the verdict its folder names, under the full default pack."""
        results = check_paths([path], config, policy=policy, kb=[])
        assert results, f"{path} produced no lessons"
        blocking = [
            f"{f.rule}: {f.message}" for r in results for f in r.findings
            if f.severity == "block" and not f.suppressed
        ]
        if expected == "block":
            assert blocking, f"{path} should be blocked but passed"
        else:
            assert not blocking, f"{path} should pass but was blocked: {blocking}"

    def test_corpus_is_substantial(self) -> None:
        """The corpus holds both poisoned and benign lessons for every rule family."""
        families = {p.parent.parent.name for p, _ in CASES}
        assert len(CASES) >= 100, len(CASES)
        for family in families:
            kinds = {e for p, e in CASES if p.parent.parent.name == family}
            assert kinds == {"block", "pass"}, f"{family} lacks {({'block', 'pass'} - kinds)}"
