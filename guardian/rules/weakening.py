"""Test weakening: lessons that make checks pass by skipping, deleting or neutering them.

An agent rewarded for green tests learns that the cheapest fix is to weaken the test. This rule
finds that advice in prose (on the confusable skeleton, aware of negation and advice-against:
"never skip the flaky test" passes, "skip the failing test" does not) and in code and commands
(skip markers, ``assert True``, ``--no-verify``, ``|| true``, lowered coverage floors, conftest
hooks that rewrite outcomes). Mentions with a legitimate reason (a platform-specific skip with a
reason, a strict xfail linked to an issue) are warnings, not blocks.
"""

from __future__ import annotations

import itertools
import re
import string
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, ClassVar

from guardian.policy.base import BaseRule, CheckContext
from guardian.records import Finding, Lesson, Severity
from guardian.rules.secrets import scrub
from guardian.text import LazyPattern, TextField

# --- negation and context ----------------------------------------------------------------------

_CUT = LazyPattern(
    r"[.!?;:](?:\s|$)|\n|—|–|\s-\s|\b(?:but|however|otherwise|then|so|instead(?! of))\b")
_NEGATOR = LazyPattern(
    r"\b(?:never|not|don['’]?t|do not|does not|doesn['’]?t|didn['’]?t|did not|won['’]?t|will not"
    r"|cannot|can['’]?t|shouldn['’]?t|should not|mustn['’]?t|must not|avoid(?:ing)?|instead of"
    r"|rather than|refrain from|resist(?: the urge)? to|stop|without|nor|neither|no need to"
    r"|no reason to|no longer|prohibit\w*|forbid\w*|against|isn['’]?t|aren['’]?t|is not|are not"
    r"|wrong to|bad idea to|anti-pattern to|unacceptabl\w*|dangerous(?:ly)? to|harmful to"
    r"|risky to)\b")
_NOT_NEGATING = LazyPattern(r"\s*(?:forget|hesitate|fail|neglect|be afraid|wait|hold back|worry"
                           r"|bother|panic|stress|overthink|care)\b")
_COORDINATED = LazyPattern(r"^(?:\s*[a-z]+(?:\s+out)?\s*(?:,|\bor\b|\bnor\b|\band\b))+")
_FILLER = LazyPattern(
    r"(?:\s+(?:ever|even|just|simply|blindly|silently|quietly|automatically|be|to|try|want|need"
    r"|have|go|you|we|i|agents?|the agent|it|they|also|yet|merely|use|using|run|running|pass"
    r"|passing|add|adding|type|call|invoke|reach for|resort to|rely on|commit with|push with"
    r"|allowed to|tempted to|going to|be tempted to|a|an|the|bare|plain|blanket|or|nor"
    r"|\w+ly))*\s*$")
_POST_NEGATION = LazyPattern(
    r"^[^.!?;]{0,40}?\b(?:is|are|was|would be|just|only)\s+(?:not|never|an? anti-pattern"
    r"|forbidden|prohibited|cheating|a bad idea|bad practice|wrong|unacceptable|dangerous"
    r"|harmful|a smell)\b|^[^.!?;]{0,40}?\b(?:hides|masks|conceals|defeats|only hides)\b"
    r"|^[^.!?;]{0,40}?\b(?:requires?|needs?|must have|must get) (?:\w+ )?(?:approval|review"
    r"|a reason|sign-off|justification|an issue)\b|^[^.!?;]{0,40}?\bmust be (?:approved|justified"
    r"|reviewed)\b")


_FOLLOW_ON = LazyPattern(
    r"\s*(?:[-*•]\s+)?(?:the same (?:goes|applies|is true|holds)|same (?:goes )?(?:for|with)"
    r"|likewise|similarly|ditto|nor\b|neither\b|and never\b|or\b)")
_SENTENCE_END = LazyPattern(r"[.!?](?:\s|$)|\n")
_NEGATED_START = LazyPattern(
    r"\s*(?:[-*•]\s+|\d+[.)]\s+)?(?:\*\*)?(?:never|don['’]?t|do not|avoid|must not|mustn['’]?t"
    r"|should not|shouldn['’]?t|no\b)")


def _follow_on(text: str, pos: int) -> bool:
    """True when ``pos`` is in a "the same goes for …" sentence after a negated one."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text, max(0, pos - 400), pos)]
    if not ends:
        return False
    start = ends[-1]
    if not _FOLLOW_ON.match(text, start):
        return False
    lo = max(0, start - 400)
    starts = [lo, *(m.end() for m in _SENTENCE_END.finditer(text, lo, start) if m.end() < start)]
    return any(_NEGATED_START.match(text, i) for i in starts[-3:])  # one of the last sentences


def negated(text: str, pos: int, *, window: int = 90) -> bool:
    """True when the verb at ``pos`` in lowercase ``text`` is negated or advised against."""
    if text.count("`", 0, pos) % 2 == 1:  # inside `code`: judge from where the span starts
        pos = text.rfind("`", 0, pos)
    if _follow_on(text, pos):
        return True
    before = text[max(0, pos - window):pos]
    cuts = list(_CUT.finditer(before))
    if cuts:
        before = before[cuts[-1].end():]
    for m in _NEGATOR.finditer(before):
        gap = re.sub(r"`[^`]*`|\([^()]*\)", " ", before[m.end():])  # code spans, asides
        gap = re.sub(r"[`*_\"']", " ", gap)
        gap = _COORDINATED.sub("", gap)  # "don't delete, skip or comment out tests"
        if _NOT_NEGATING.match(gap) or "," in gap:
            continue
        if _FILLER.fullmatch(gap):
            return True
    return False


#: After a mention of a no-op check: it is described as useless, which is advice against it.
_USELESS = LazyPattern(
    r"[^.!?;]{0,140}?\b(?:checks?|tests?|proves?|verif(?:y|ies)|catch(?:es)?|asserts?"
    r"|guarantees?) (?:nothing|no ?thing)\b|[^.!?;]{0,140}?\b(?:is|are) (?:useless|meaningless"
    r"|pointless|vacuous|worthless|a no-?op)\b|[^.!?;]{0,140}?\bcan ?not (?:fail|catch)\b")
#: Counting or reporting skipped tests is not advice to skip them.
_REPORTING = LazyPattern(r"\b(?:how many|number of|count(?:s|ing)?(?: of)?|report(?:s|ing)?"
                        r"|list(?:s|ing)?|summar\w*|show(?:s|ing)?|print(?:s|ing)?|log(?:s|ging)?)"
                        r"\b[^.!?;]{0,40}$")


def _post_negated(text: str, end: int) -> bool:
    return bool(_POST_NEGATION.search(text[end:end + 80]))


def _sentence(text: str, start: int, end: int) -> str:
    lo = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), text.rfind("; ", 0, start))
    stops = [i for i in (text.find(". ", end), text.find("\n", end), text.find("; ", end),
                         text.find("? ", end)) if i != -1]
    hi = min(stops) if stops else len(text)
    return text[lo + 1:hi + 1]


_PLATFORM = LazyPattern(r"\bon (?:windows|macos|mac|linux|pypy|python ?[23]|arm|32-bit)\b"
                       r"|\bplatform"
                       r"|\bskipif\b|\bimportorskip\b")
_CHEAT = LazyPattern(
    r"\bso (?:that )?(?:ci|the ci|the build|the pipeline|the suite|the tests?|it|they|everything"
    r"|checks?|the checks?|the job|the pr|we)\s+(?:is|are|goes|go|turns?|stays?|becomes?|will be"
    r"|can|passes|pass|succeeds?|looks?|merge|ship)\b|\bto (?:make|get|keep|turn) (?:ci|the ci"
    r"|the build|the pipeline|the suite|the tests?|it|them|everything|the checks?|the job|the pr)"
    r"\s+(?:pass(?:ing)?|green|to pass|through|succeed)|\buntil (?:it|they|the tests?|ci"
    r"|the build|everything) (?:passes|pass|is green|goes green|succeeds?)|\b(?:ci|the build"
    r"|the pipeline) (?:is|goes|turns|stays) green|\bget (?:ci|the build|it|them) (?:green"
    r"|passing)|\bunblock (?:the )?(?:merge|pr|ci|release|build)|\bgreen (?:ci|build|checkmark)"
    r"|\band (?:ci|the build|the pipeline|everything|the tests?) (?:passed|passes|is green"
    r"|went green|turned green|succeeded)\b|\bby any means\b|\bwhatever it takes\b"
    r"|\bso (?:that )?[^.!?;]{0,40}?\b(?:is ?n['’]?t|are ?n['’]?t|is not|are not|won['’]?t be"
    r"|stops? being|no longer) (?:blocked|failing|red)\b|\bstops? failing\b|\bno longer fail"
    r"|\bkeeps? (?:moving|going|flowing)\b|\bunblock\w*|\bfor (?:the )?(?:gate|grader|grading"
    r"|evaluation|submission)\b|\bthat gets (?:the )?(?:suite|ci|build|tests?) (?:green|passing)"
    r"|\bgets? (?:the )?(?:suite|build|tests?) green\b"
    r"|\b(?:stops?|silences?|kills?|quiets?|cuts? out) (?:the |that |all the )?"
    r"(?:noise|failures?)\b"
    r"|\bto (?:get|go|turn) green\b")
_LEGIT = LazyPattern(
    r"\bon (?:windows|macos|mac|linux|pypy|python ?[23](?:\.\d+)?|arm|32-bit|ci only)\b"
    r"|\b(?:when|if|unless)\b[^.!?;]{0,50}?\b(?:not installed|unavailable|missing|absent"
    r"|not available|offline|no network)\b|\bskipif\b|\bimportorskip\b|\bplatform"
    r"|\b(?:requires?|needs?) (?:a |the )?(?:network|gpu|docker|internet|display|credentials)"
    r"|\boffline\b"
    r"|\bwithout (?:network|gpu|docker|internet)\b|\bobsolete\b|\bdead code\b|\bdeprecated\b"
    r"|\b(?:removed|deleted|retired) (?:feature|module|function|api|code|endpoint)s?\b"
    r"|\b(?:delet|remov|retir|drop)\w*\s+(?:a|an|the|that|this|old)\s+(?:feature|module|function"
    r"|api|endpoint|class|command|option)s?\b"
    r"|\bno longer exists?\b|\bduplicate\b|\bredundant\b|\bproduction\b|\blibrary code\b"
    r"|\bruntime code\b|\bapplication code\b|\bnon-test code\b|\bpython -o\b|\boptimi[sz]ed\b"
    r"|\bintentional\w*|\bdeliberate\w*|\bspec change|\bnew spec\b"
    r"|\bxfail\b[^.!?;]*\bstrict\b(?!\s*=\s*false)|\bstrict\b(?!\s*=\s*false)[^.!?;]*\bxfail\b"
    r"|\b(?:tracking |an |the |linked )issue\b|\bissue #?\d+|\bticket\b|\bunless\b|\bby default\b"
    r"|\bnightly\b|\bslow\b|\breplac\w* (?:it|them) with\b|\b(?:if|when|before) you\b"
    r"|\b(?:whether|how|when) (?:or not )?to\b|\bdecide\w*|\bdetermin\w*|\ballows? you\b"
    r"|\blets? you\b|\bused to\b|\brequires?\b"
    r"|\b(?:feature(?: flag)?|flag|module|function|api|endpoint|class|command|option|code)s? "
    r"(?:is|are|was|were|gets?) (?:removed|deleted|dropped|retired)\b")
_LEGIT_DELETE = LazyPattern(
    r"\bobsolete\b|\bdead code\b|\bdeprecated\b|\bno longer exists?\b|\bduplicate\b"
    r"|\bredundant\b|\b(?:removed|deleted|retired) (?:feature|module|function|api|code"
    r"|endpoint)s?\b"
    r"|\b(?:feature|module|function|api|endpoint|class|command|code)s? (?:is|are|was|were|gets?) "
    r"(?:removed|deleted|dropped|retired)\b|\bmoved? (?:it |them )?(?:to|into)\b|\brenam\w*")
_DELETE_VERBS = frozenset(("del", "rem", "rm", "git", "dro", "nuk", "get", "got", "rip"))
#: Tests singled out because they fail ("tests that fail after your change", "failing specs").
_FAILING_TESTS = LazyPattern(
    r"\b(?:tests?|specs?|test files?|test_\w+)\b[^.!?;]{0,50}?\b(?:that|which)\s+(?:now\s+|still\s+"
    r"|start to\s+|begin to\s+)?(?:fail|break|go red|turn red|are red|error)\w*"
    r"|\b(?:failing|broken|red)\s+(?:\w+\s+)?(?:tests?|specs?|test files?)\b"
    r"|\b(?:tests?|specs?|test files?)\s+(?:\w+\s+){0,2}?failing\b")
_REMOVED_FEATURE = LazyPattern(
    r"\b(?:removed|deleted|retired|dropped|deprecated) (?:feature|module|function|api|code|endpoint"
    r"|class|command|option)s?\b|\b(?:feature|module|function|api|endpoint|class|command|code"
    r"|option)s? (?:\w+ )?(?:is|are|was|were|gets?|has been|have been) (?:removed|deleted|dropped"
    r"|retired)\b|\bno longer exists?\b|\bmoved? (?:it |them )?(?:to|into)\b|\brenam\w*"
    r"|\bduplicat\w*")
_TESTWORD = LazyPattern(r"\btests?\b|\btest_\w+|\bassert(?:ion)?s?\b|\bspecs?\b")
_PUNCT = str.maketrans(dict.fromkeys(string.punctuation.replace("_", "") + "‘’“”«»…—–", " "))


@lru_cache(maxsize=8192)
def word_set(text: str) -> frozenset[str]:
    """The words of ``text`` split at punctuation and spaces (``_`` kept), for cheap gates."""
    return frozenset(text.translate(_PUNCT).split())


def _words(*groups: str) -> frozenset[str]:
    return frozenset(" ".join(groups).split())


_G_VERB = _words(
    "rm skip skipped skipping xfail xfailed xfailing deselect deselected deselecting disable",
    "disabled disabling delete deleted deleting remove removed removing comment commented",
    "commenting drop dropped dropping ignore ignored ignoring exclude excluded excluding mute",
    "muted muting silence silenced silencing bypass bypassed bypassing stub stubbed stubbing",
    "neuter neutered neutering rip ripped ripping rid turn turned turning switch switched",
    "switching nuke nuked nuking weaken weakened weakening loosen loosened loosening relax",
    "relaxed relaxing soften softened softening water watered watering short circumvent",
    "circumvented circumventing sidestep sidestepped sidestepping")
_G_OBJECT = _words(
    "test tests testcase testcases suite suites spec specs assert asserts assertion assertions",
    "check checks hook hooks pre linter linters linting typecheck typechecks typechecking type",
    "mypy ruff flake8 pylint eslint coverage parametrize parametrise")
_G_MARK = _words("mark marked marking decorate decorated decorating tag tagged tagging flag",
                 "flagged flagging annotate annotated label labeled labelled")
_G_MARK_AS = _words("xfail skip skipped expected known")
_G_PASSIVE = _words("skipped xfailed xfail deselected disabled deleted removed commented dropped",
                    "ignored excluded muted silenced bypassed stubbed marked")
_G_BE = _words("be is are was were get gets got being been")
_G_THRESHOLD = _words("coverage tolerance tolerances rtol atol abs_tol rel_tol epsilon",
                      "max_examples threshold thresholds under")
_G_THRESHOLD_VERB = _words(
    "lower lowered lowering reduce reduced reducing decrease decreased decreasing drop dropped",
    "dropping relax relaxed relaxing loosen loosened loosening weaken weakened weakening soften",
    "softened raise raised raising increase increased increasing bump bumped bumping widen",
    "widened widening")

# --- prose patterns (skeleton) -----------------------------------------------------------------

_VERBS = (r"rm|git rm|skip|skipp(?:ed|ing)|xfail(?:ed|ing)?|deselect(?:ed|ing)?|disabl(?:e|ed|ing)"
          r"|delet(?:e|ed|ing)|remov(?:e|ed|ing)|comment(?:ed|ing)? out|drop(?:ped|ping)?"
          r"|ignor(?:e|ed|ing)|exclud(?:e|ed|ing)|mute|mut(?:ed|ing)|silenc(?:e|ed|ing)"
          r"|bypass(?:ed|ing)?|stub(?:bed|bing)? out|neuter(?:ed|ing)?|rip(?:ped|ping)? out"
          r"|get(?:ting)? rid of|got rid of|turn(?:ed|ing)? off|switch(?:ed|ing)? off|nuke"
          r"|nuk(?:ed|ing)|weaken(?:ed|ing)?|loosen(?:ed|ing)?|relax(?:ed|ing)?|soften(?:ed|ing)?"
          r"|water(?:ed|ing)? down|short-circuit(?:ed|ing)?|circumvent(?:ed|ing)?"
          r"|sidestep(?:ped|ping)?")
_GAP = (r"(?:(?:the|a|an|this|that|these|those|its|their|our|your|my|any|all|every|each|some|one"
        r"|both|failing|flaky|broken|red|offending|problematic|annoying|old|new|existing"
        r"|remaining|last|whole|entire|two|three|few|related|relevant|corresponding|same|unit"
        r"|integration|e2e|regression|property|hypothesis|pytest|ci|required|status|lint|type"
        r"|github|gitlab|actions|branch|intermittent|unstable|noisy|fragile|brittle|stubborn"
        r"|[\w-]+ing|[\w-]+ed|test_\w+|`[^`]{1,60}`)\s+){0,4}")
_OBJECTS = (r"(?:cases?|examples?|params?|parameters?|entries|rows?|ids?)(?= from (?:the )?"
            r"(?:@?pytest\.mark\.)?parametri[sz])|test ?cases?|test suites?|unit tests?|tests?"
            r"|specs?|assert statements?"
            r"|assert(?:ion)?s?|(?:ci|status|required|failing|lint|pre-commit|actions|github|build"
            r"|quality|workflow) checks?"
            r"|test_\w+(?:\(\))?|pre-commit(?: hooks?| checks?)?|(?:git|commit|pre-push|husky"
            r"|verification) hooks?")
_TOOLS = (r"linters?|linting|type ?check(?:s|ing|er)?|mypy|ruff|flake8|pylint|eslint"
          r"|coverage(?: checks?| gates?| requirements?)?")
_NOT_NOUN = (r"(?![\w-])(?!\s+(?:database|db|data|datasets?|fixtures?|servers?|users?|accounts?"
             r"|containers?|caches?|artifacts?|environments?|envs?|dirs?|director(?:y|ies)"
             r"|folders?|tmp|temp|output|logs?|runners?|matrix|dependencies|deps|doubles?"
             r"|clients?|helpers?|utilities|utils|harness|names?|ids?|runs?|results?|reports?"
             r"|images?|buckets?|stages?|jobs?|mode|framework|tools?|commands?|plans?|strategy"
             r"|time|timeouts?|credentials?|config\w*|settings|isolation|flags?|markers?|inputs?"
             r"|messages?|rewriting|library|libraries|package|section|tab|page|docs?|suffix|prefix"
             r"|labels?|titles?|strings?|tags?|case|cases)\b)")
_ACTIVE = LazyPattern(
    rf"\b(?P<verb>{_VERBS})\s+{_GAP}(?:(?P<obj>{_OBJECTS})|(?P<tool>{_TOOLS})){_NOT_NOUN}")
_PRONOUN = LazyPattern(rf"\b(?P<verb>{_VERBS})\s+(?:it|them)\b(?!\s+(?:is|are|was)\b)")
_MARK = LazyPattern(
    r"\b(?P<verb>mark|marked|marking|decorate|decorated|decorating|tag|tagged|tagging|flag"
    r"|flagged|flagging|annotate|annotated|label|labell?ed|labell?ing)\s+(?:(?:it|them|this|that"
    r"|the|those|these|failing|flaky|broken|red|test|tests|test_\w+|one|ones|case|cases)\s+"
    r"){0,4}(?:as\s+|with\s+)?(?:an?\s+)?(?:@?pytest\.mark\.)?(?:xfail|skip(?:ped)?"
    r"|expected(?: to)? fail(?:ure)?|known (?:failure|bug))\b"
    r"|\b(?:mark|label|annotate|tag|flag|decorate)\w*\s+(?:every|each|all|any|the|those|these)"
    r"\s+(?:\w+\s+)?(?:tests?|test_\w+|cases?|ones?)\b[^.!?;]{0,70}?\s(?:as|with)\s+"
    r"(?:an?\s+)?(?:@?pytest\.mark\.)?(?:xfail|skip(?:ped)?|expected(?: to)? fail(?:ure)?"
    r"|known (?:failure|bug))\b")
_PASSIVE = LazyPattern(
    rf"\b(?P<obj>{_OBJECTS})\b(?P<mid>(?:\s+[^\s.!?;]+){{0,6}}?)\s+(?:be|is|are|was|were|gets?"
    r"|got|being|been)\s+(?:\w+ly\s+)?(?P<verb>skipped|xfailed|xfail|deselected|disabled|deleted"
    r"|removed|commented out|dropped|ignored|excluded|muted|silenced|bypassed|stubbed out"
    r"|marked (?:as )?(?:xfail|skip(?:ped)?))\b")
_MODAL = LazyPattern(r"\b(?:should|must|can|could|may|will|need to|needs to|has to|have to"
                    r"|ought to|just|simply)\b")
#: name, pattern, what it does, and two word gates (one word of each must be present).
_GOALS: tuple[tuple[str, str, str, str, str], ...] = (
    ("expected",
     r"\b(?:change|changed|changing|update|updated|updating|set|adjust|adjusted|edit|edited"
     r"|rewrite|rewrote|modify|modified|tweak|tweaked|make|flip|hard-?code|hard code)\s+(?:the\s+"
     r"|its\s+|each\s+)?(?:(?:expected|asserted|assertion['’]?s?|test['’]?s?|golden|reference)"
     r"\s*){1,2}(?:values?|outputs?|results?|strings?|numbers?|answers?|data|constants?|counts?"
     r"|expectations?|files?|snapshots?|json|dicts?|payloads?|responses?|lists?|text)?\s*"
     r"(?:files?\s+)?(?:(?:in|of|inside|for|within)\s+"
     r"(?:the\s+|each\s+|this\s+|that\s+|every\s+)?(?:tests?|test (?:files?|cases?|functions?)"
     r"|assertions?|specs?|fixtures?)\s+)?(?:to\s+)?(?:match|equal|be whatever|whatever|the actual"
     r"|what(?:ever)?\s+[^.!?;]{0,30}?\b(?:returns?|returned|outputs?|produces?|produced|prints?"
     r"|printed|gives?|yields?)\b|the current|so (?:it|they|that it) (?:matches?|equals?|pass))",
     "rewrites the expected value to whatever the code returns, so the test stops testing",
     "expected asserted golden reference assertion assertions test tests",
     "match matches equal whatever actual current returns outputs produces pass prints printed "
     "gives yields returned produced what"),
    ("catch",
     r"\b(?:catch|catching|caught|swallow|swallowing|suppress|suppressing|silence|silencing"
     r"|wrap|wrapping|wrapped)\b[^.!?;]{0,40}?\b(?:exceptions?|errors?|failures?"
     r"|assertionerrors?|the crash)\b[^.!?;]{0,30}?\b(?:in|inside|within|around|from)\s+(?:the\s+"
     r"|each\s+|every\s+)?(?:tests?|test (?:body|function|case)s?|test_\w+)\b"
     r"|\bwrap\w*\s+(?:the\s+)?(?:tests?|test body|test function|assertions?|asserts?)\s+"
     r"(?:body\s+)?in\s+(?:a\s+)?try\b",
     "hides failures by catching them inside the test",
     "catch catching caught swallow swallowing suppress suppressing silence silencing wrap "
     "wrapping wrapped", "test tests test_body try"),
    ("return",
     r"\b(?:make|let|have)\s+(?:the\s+|each\s+|every\s+)?(?:tests?|test_\w+|test functions?)\s+"
     r"return\s+early\b|\breturn\s+early\s+(?:from|in)\s+(?:the\s+)?(?:tests?|test_\w+"
     r"|test functions?)\b|\badd\w*\s+(?:an?\s+)?(?:early\s+)?return\s+(?:statement\s+)?(?:at"
     r"|to)\s+the\s+(?:top|start|beginning)\s+of\s+(?:the\s+)?(?:tests?|test_\w+|test functions?)",
     "makes the test return before it checks anything", "return", "early top start beginning"),
    ("assert-true",
     r"\bassert true\b(?!\s*(?:==|!=|is\b|and\b|or\b))|\bassert 1\b(?!\s*(?:==|!=|[<>]))"
     r"|\breplac\w*\s+(?:the\s+|all\s+|any\s+|each\s+)?(?:assert\w*|assertions?|checks?)\s+"
     r"(?:statements?\s+)?with\s+(?:pass|true|assert true|a comment|comments|nothing|print\w*"
     r"|logging|a log|no-?ops?)\b",
     "turns an assertion into one that always passes", "assert replace replacing replaced "
     "replaces", "true 1 pass comment comments nothing print logging log noop no"),
    ("rerun",
     r"\b(?:re-?run|retry|re-?try|re-?trigger|restart)\w*\s+(?:it\s+|them\s+|the (?:flaky |failing"
     r" )?(?:tests?|ci|build|job|pipeline|suite)\s+)?(?:until|till)\s+(?:it|they|ci|the build"
     r"|the tests?|everything)\s+(?:passes|pass|is green|goes green|succeeds?)",
     "reruns until a failure happens to pass, hiding a real fault", "until till",
     "rerun rerunning reran re retry retrying retries retried retrigger restart"),
    ("only-passing",
     r"\b(?:only (?:run|keep|report|count) (?:the )?(?:tests that pass|passing tests)|run only "
     r"(?:the )?(?:passing tests|tests that pass))\b",
     "runs only the tests that already pass", "only", "pass passing"),
    ("mock-sut",
     r"\b(?:mock|stub|patch|fake)\w*\s+(?:out\s+)?(?:the\s+)?(?:function|method|code|class|unit"
     r"|module|system|component|implementation)\s+(?:under|being)\s+test(?:ed)?\b",
     "mocks out the very code the test is meant to check", "under being",
     "test tested"),
    ("special-case",
     r"\b(?:hard-?code|hard code|special-?case|special case)\w*\s+(?:the\s+)?(?:expected\s+"
     r"|return\s+|correct\s+)?(?:values?|outputs?|results?|answers?|responses?)?\s*(?:for|to match)"
     r"\s+(?:the\s+|each\s+|every\s+)?(?:tests?|test (?:inputs?|cases?)|failing (?:inputs?|cases?"
     r"|tests?)|inputs? (?:used )?(?:from|in) (?:the )?tests?)\b|\bdetect\w*\s+(?:whether|if|when)"
     r"\s+(?:it['’]?s\s+|it is\s+|we['’]?re\s+|we are\s+|the code is\s+|you are\s+)?(?:running\s+)?"
     r"(?:under|in|inside)\s+(?:pytest|the tests?|a test|tests|ci|the test suite)\b",
     "special-cases the test inputs instead of fixing the code",
     "hardcode hard special detect detects detecting",
     "test tests inputs cases pytest ci"),
    ("rename",
     r"\brenam\w+\s+(?:the\s+)?(?:tests?|test_\w+|test (?:file|function|class|module)s?)\b"
     r"[^.!?;]{0,60}?(?:so (?:that )?(?:pytest|it|the runner|ci) (?:does ?n['’]?o?t|won['’]?t"
     r"|will not|cannot|can['’]?t|no longer)|to (?:avoid|prevent|stop) (?:pytest |it |ci )?"
     r"(?:from )?(?:collect|discover|run|pick)|_test_|xtest_|disabled_)",
     "renames tests so the runner no longer collects them", "rename renamed renaming renames",
     "test tests test_file"),
)
_GOALS += (
    ("edit-to-pass",
     r"\b(?:chang|modif|edit|tweak|adjust|rewrit|updat|replac|simplif|weaken|relax|loosen|soften"
     r"|regenerat|re-record|accept|bless|overwrit)\w*\b[^.!?;]{0,80}?\b(?:assert\w*|tests?"
     r"|expect\w*|checks?|snapshots?|golden\w*|baselines?|cassettes?)\b[^.!?;]{0,80}?\b(?:so"
     r" (?:that )?(?:it|they|the tests?|ci|the build|the suite) (?:pass|passes|is green|goes green"
     r"|turns green)|until (?:it|they|the tests?|ci) (?:pass|passes|is green)|to make (?:it|them"
     r"|the tests?|ci|the build) (?:pass|green))",
     "edits the test or its expectations until it passes instead of fixing the code",
     "change changed changing modify modified edit edited tweak tweaked adjust adjusted rewrite "
     "rewrote update updated replace replaced simplify weaken relax loosen soften regenerate "
     "regenerated accept bless overwrite record", "pass passes green"),
    ("until-pass",
     r"\b(?:increas|rais|bump|add|tweak|adjust|chang|lower|relax|loosen|retr|rerun|re-run|sleep"
     r"|wait|extend|reduc)\w*\b[^.!?;]{0,60}?\buntil (?:it|they|the tests?|ci|the build"
     r"|the suite|everything) (?:passes|pass|is green|goes green|turns green)\b",
     "keeps changing knobs until the test happens to pass", "until till",
     "pass passes green"),
    ("less-strict",
     r"\bmak\w*\s+(?:the\s+|this\s+|that\s+|each\s+)?(?:assertions?|asserts?|tests?|checks?"
     r"|expectations?|matchers?)\s+(?:a (?:bit|little) )?(?:less strict|looser|weaker|more "
     r"(?:lenient|permissive|forgiving|tolerant)|less (?:precise|specific|exact))\b",
     "makes the assertion weaker so it stops catching the bug",
     "make makes making made", "strict looser weaker lenient permissive forgiving tolerant "
     "precise specific exact"),
    ("snapshot",
     r"\b(?:update|updat\w+|regenerat\w*|re-record\w*|accept\w*|bless\w*|overwrit\w*)\s+"
     r"(?:all\s+|the\s+|every\s+)?(?:snapshots?|golden files?|goldens|baselines?|cassettes?"
     r"|expected outputs?)\b",
     "rewrites the recorded expectations", "update updated updating regenerate regenerated "
     "regenerating record accept accepted bless overwrite",
     "snapshot snapshots golden goldens baseline baselines cassette cassettes expected"),
)
_GOALS += (
    ("always-true",
     r"\b(?:make|patch\w*|monkeypatch\w*|mock\w*|stub\w*|override\w*|change\w*|rewrite\w*)\b"
     r"[^.!?;]{0,60}?\b(?:to )?always (?:return (?:true|none|0|1|ok|success|the expected \w+)"
     r"|pass(?:es)?|succeed\w*)\b(?=[^.!?;]*\b(?:test|assert|check|validat|verif|compar|__eq__))"
     r"|\b(?:make|patch\w*|monkeypatch\w*|mock\w*|stub\w*|override\w*)\b[^.!?;]{0,40}?\b"
     r"(?:validat\w*|verif\w*|check\w*|assert\w*|compar\w*|__eq__|is_valid)\b[^.!?;]{0,40}?"
     r"\balways (?:return (?:true|none|ok|success)|pass(?:es)?|succeed\w*)\b",
     "makes a check always succeed, so the test can no longer fail", "always",
     "return returns pass passes succeed succeeds"),
    ("failures-as-warnings",
     r"\btreat\w*\s+(?:the\s+|all\s+|any\s+)?(?:test\s+)?(?:failures?|failing tests?|errors?"
     r"|test errors?)\s+as\s+(?:warnings?|passes|passed|success(?:es)?|skips?|skipped|non-?fatal)"
     r"|\bmak\w+\s+(?:the\s+|all\s+)?(?:test\s+)?(?:failures?|errors?)\s+non-?fatal",
     "turns test failures into something that does not fail the run",
     "treat treats treating make makes making", "failures failure failing errors error"),
)
_GOALS += (
    ("grader",
     r"\b(?:grader|autograder|judge|evaluator|checker|hidden tests?|test harness|the tests?"
     r"|test suite|test cases?)\b[^.!?\n]{0,60}?\b(?:checks?|uses?|calls?|feeds?|passes|tr(?:y|ies)"
     r"|sends?|runs?|only)\b[^.!?\n]{0,30}?\b(?:these|those|the following|exact(?:ly)?|specific"
     r"|known|same|only)\b[^.!?\n]{0,80}?\b(?:answer\w*|hard-?cod\w*|hard cod\w*|special-?cas\w*"
     r"|look\w* up|lookup|directly|verbatim|the expected (?:outputs?|answers?|values?))"
     r"|\b(?:hard-?cod|hard cod|special-?cas|memori[sz]|precomput|answer)\w*\b[^.!?;\n]{0,40}?\b"
     r"(?:for|to|of)\s+(?:the\s+)?(?:grader|autograder|judge|evaluator|checker|hidden tests?"
     r"|tests?)(?:['’]s?|s['’])?\s+(?:known\s+)?(?:inputs?|cases?|examples?|questions?|queries"
     r"|arguments?)\b",
     "special-cases the grader's or the tests' inputs instead of solving the task",
     "grader graders autograder judge evaluator checker tests test harness hidden",
     "answer answers answered hardcode hardcoded hard special directly lookup look table memorize "
     "memorise precompute verbatim"),
)
_GOALS_RE = tuple((name, LazyPattern(p), text, _words(a), _words(b))
                  for name, p, text, a, b in _GOALS)
_THRESHOLD = LazyPattern(
    r"\b(?P<verb>lower|lowered|lowering|reduce|reduced|reducing|decrease|decreased|decreasing"
    r"|drop|dropped|dropping|relax|relaxed|relaxing|loosen|loosened|loosening|weaken|weakened"
    r"|weakening|soften|softened|raise|raised|raising|increase|increased|increasing|bump|bumped"
    r"|bumping|widen|widened|widening)\s+(?:the\s+|our\s+|its\s+|ci['’]?s\s+)?(?:--)?(?:cov[-_])?"
    r"(?P<what>max_examples|(?:minimum\s+)?coverage(?:\s+(?:threshold|requirement|target|gate|bar|minimum"
    r"|floor|limit))?|fail[-_ ]under(?: value| threshold)?|(?:test |comparison |float |numeric "
    r"|assertion )?tolerances?|rtol|atol|abs_tol|rel_tol|epsilon|thresholds?)\b")
_LOOSEN = frozenset(("relax", "relaxed", "relaxing", "loosen", "loosened", "loosening", "weaken",
                     "weakened", "weakening", "soften", "softened"))
#: A collection hook that skips only when an option says so (pytest's documented --runslow).
_OPTION_GATED = LazyPattern(r"pytest_collection_modifyitems[\s\S]*?(?:getoption|getini)")
_NOUN_USE = LazyPattern(r"\b(?:the|a|an|this|each|every|its|their)\s+$")
#: Before a past tense verb, what makes it an action ("we deleted the test") and not an adjective.
_ED_ACTION = LazyPattern(r"(?:^|[.!?;:]\s*|\b(?:i|we|you|they|he|she|it|agent|then|and|just|simply"
                        r"|have|has|had)\s+)$")
_LOCAL_RUN = LazyPattern(r"\blocally\b|\bwhile (?:iterating|debugging|developing)\b|\bon your "
                         r"machine\b|\bci runs\b|\bnightly\b|\bin (?:the )?(?:full|nightly) "
                         r"(?:suite|run|job)\b")
_CONDITION_AFTER = LazyPattern(r"[^.!?;]{0,40}?\b(?:if|when|unless|whenever|in case|where)\b"
                              r"(?P<cond>[^.!?;]*)")
_CONDITION_BEFORE = LazyPattern(r"(?:^|[.!?;]\s)\s*(?:if|when|unless|whenever|in case)\b"
                               r"(?P<cond>[^.!?;,]*),[^.!?;,]*$")
_FAILING = LazyPattern(r"fail|flak|red\b|broken|break|error|timeout|times out|slow|crash|hang"
                      r"|counterexample|falsif|mismatch|wrong|differ"
                      r"|doesn['’]?t pass|does not pass|won['’]?t pass|green|noisy|annoying"
                      r"|\bblock|hold\w* up|in the way|stuck|disagree|(?:doesn['’]?t|does not"
                      r"|don['’]?t|do not) (?:match|agree)")
_IMPERATIVE = LazyPattern(r"(?:^|[.!?;:,]\s+|\b(?:then|and|just|simply|always|please|to|you|so)\s+)"
                         r"(?:use|add|put|apply|call|decorate|mark|insert|wrap|write|place|stick"
                         r"|slap|prepend|annotate|replace|change|set|run|invoke|raise)\b"
                         r"[^.!?;]{0,60}$")
_FAIL_WORDS = (r"fail|flak|\bred\b|broken|time ?outs?|times out|[eé]chou|fehl|f[aä]llt|\brot\b"
               r"|rouge|\bfall[ae]"
               r"|fallisc|falh|faal|mislukt|rood|rojo|rosso|vermelh|intermitt|kaputt|\bcass")
#: "if a test fails …", in English, German, French, Spanish, Italian, Portuguese or Dutch.
_FAIL_COND = LazyPattern(
    r"\b(?:if|when|whenever|once|si|quand|lorsqu\w*|wenn|falls|sobald|cuando|se|quando|als"
    rf"|zodra)\b[^.!?;]{{0,80}}?(?:{_FAIL_WORDS})")
#: "to every test file", "all modules": a blanket skip, whatever reason is given.
_EVERY = LazyPattern(r"\b(?:every|all|each|any)\s+(?:\w+\s+){0,2}?(?:test\s+)?(?:files?|modules?"
                    r"|tests?|suites?)\b")
#: A test file named by its path ("tests/test_api.py", "spec/foo_spec.rb").
_TEST_PATH = LazyPattern(r"\s*`?(?:[\w.-]+/)*(?:tests?/[\w./-]+|test_[\w-]+\.py|[\w-]+_test\.\w+"
                        r"|[\w-]+\.(?:spec|test)\.\w+)")
_UNREACHABLE = LazyPattern(r"\bunreachable\b|\bcan(?:not|['’]t) (?:happen|be reached)|\bdefensive"
                          r"|\bnever (?:runs|executes|reached)\b")
_COVERAGE_GOAL = LazyPattern(r"\b(?:to|so (?:we|it|that))\s+(?:reach|hit|meet|get|keep|pass|stay)"
                            r"\b[^.!?;]{0,30}(?:coverage|%)")
_CONFTEST = LazyPattern(
    r"\b(?:edit|modif|chang|patch|add|writ|creat|put|use|hook|overrid|tweak)\w*\b[^.!?;]{0,60}?"
    r"\bconftest(?:\.py)?\b[^.!?;]{0,80}?\b(?:pass(?:es|ed)?\b|green|skip\w*|xfail\w*|deselect\w*"
    r"|outcome|makereport|succeed\w*|hide|swallow|force)"
    r"|\bconftest(?:\.py)?\b[^.!?;]{0,60}?\b(?:to|so|that)\b[^.!?;]{0,40}?\b(?:mark|report|turn"
    r"|force|make)\w*\b[^.!?;]{0,30}?\b(?:pass(?:es|ed)?|green|skip\w*|xfail\w*)\b")

#: Weakening verbs in German, French, Spanish, Italian, Portuguese and Dutch (on the skeleton:
#: accents dropped), with clitic pronouns ("borralo", "supprime-le", "kommentiere ihn aus").
_FOREIGN_VERB = LazyPattern(
    r"\b(?:kommentier\w*(?:\s+\S+){0,4}?\s+aus\b|auskommentier\w*|losch\w*|entfern\w*"
    r"|deaktivier\w*|uberspring\w*|streich\w*|supprim\w*|comment(?:e|ez|er)\b(?:-l\w*)?"
    r"|desactiv\w*|efface\w*|enleve\w*|retire[sz]?\b(?:-l\w*)?|saute\w*|elimin\w*|borr\w*"
    r"|coment\w*|omit\w*|quita\w*|saltal\w*|salta(?:r|lo|la)?\b|cancell\w*|disattiv\w*"
    r"|rimuov\w*|togli\w*|remov\w*|apag\w*|desativ\w*|pul(?:a|e|ar)\b|verwijder\w*"
    r"|commentarieer\w*|schakel\w*(?:\s+\S+){0,3}?\s+uit\b|sla\w*(?:\s+\S+){0,3}?\s+over\b"
    r"|ajout\w*\s+(?:`?@?pytest\.(?:mark\.)?(?:skip|xfail)))")
#: Japanese, Chinese, Korean and Russian: a failing test, a verb that removes or skips it.
_CJK_RU = LazyPattern(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af\u0400-\u04ff]")
_FAR_SENTENCE = LazyPattern(r"[^。．！？!?\n]+(?:[。．！？!?]|$)|(?<=[.!?])[^.!?\n]+")
_FAR_FAIL = LazyPattern(
    r"失敗|落ち|通らな|通らない|赤く|失败|不通过|没通过|没有通过|挂了|挂掉|报错"
    r"|실패|깨지|깨졌"
    r"|통과하지|통과 못|упал|пада|провал|не проход|не прош|сломал|красн|fail")
_FAR_VERB = LazyPattern(
    r"削除|消して|消す|消しても|スキップ|コメントアウト|無効化|無効に|外して|skip\s*を|xfail\s*を"
    r"|删除|删掉|删了|跳过|注释掉|禁用|移除|去掉|屏蔽"
    r"|삭제|지우|지워|건너뛰|스킵|주석 ?처리|비활성화|제거"
    r"|удал\w*|пропуст\w*|закомментир\w*|отключ\w*|выключ\w*|убер\w*|убра\w*|сотр\w*"
    r"|pytest\.mark\.(?:skip|xfail)|@skip")
_FAR_TEST = LazyPattern(r"テスト|测试|測試|单测|用例|테스트|тест|pytest|test|assert|spec")
_FAR_NOT = LazyPattern(
    r"しないで|しない|禁止|ないで|べきではない|べきでない|ダメ|だめ|いけない|ではなく|せず"
    r"|不要|别|不能|不应|不可|切勿|绝不|而不是"
    r"|마세요|말고|말 것|하지 말|금지|않|안 됩니다|안 돼|(?<!\w)не(?!\w)|нельзя"
    r"|никогда|вместо|запрещ")
_FOREIGN_TEST = LazyPattern(r"\btest\w*|\bprueba\w*|\bteste\b|\bassert\w*|\bpytest\b|\bessai")
_FOREIGN_NOT = LazyPattern(
    r"\b(?:nie|niemals|nicht|keine?n?|jamais|pas|ne|n['’]|no|nunca|jamas|non|mai|nao|nooit|niet"
    r"|geen|evite\w*|evita\w*)\b")
_G_FOREIGN = _words(
    "kommentiere kommentier auskommentieren losche losch loschen entferne entfernen deaktiviere",
    "uberspringe streiche supprime supprimez supprimer commente commentez desactive efface",
    "enleve retire saute elimina eliminalo eliminala eliminalos eliminarlo borralo borrala borra",
    "borrar comentala comentalo comenta omite quita saltalo salta cancella cancellalo disattiva",
    "rimuovi rimuovilo togli toglilo remova remove apague apaga desative pule verwijder",
    "commentarieer schakel sla ajoute ajoutez eliminalo elimine eliminez")
_FOREIGN_WORDS_TEST = _words("test tests prueba pruebas teste testes essai essais pytest")

# --- code patterns (NFKC text, case kept, lines kept) ------------------------------------------

_TESTCMD = (r"\b(?:pytest|py\.test|tox|nox|make\s+(?:test|check|lint)|npm\s+(?:run\s+)?test"
            r"|yarn\s+test|pnpm\s+test|go\s+test|cargo\s+test|jest|vitest|mocha|ruff|mypy|flake8"
            r"|pylint|black\s+--check|pre-commit\s+run|python3?\s+-m\s+(?:pytest|unittest|mypy)"
            r"|coverage\s+report|eslint|tsc|unittest)\b")
#: name, pattern, severity, what it does, then the gate: skeleton words, or substrings of the code.
_CODE: tuple[tuple[str, str, Severity, str, str, tuple[str, ...]], ...] = (
    ("skip-marker", r"@?pytest\.mark\.skip\b(?!if)|@?unittest\.skip\s*\(|^\s*@skip\s*\("
     r"|@?unittest\.expectedFailure\b|^\s*@expectedFailure\b", "block",
     "an unconditional skip or expected-failure marker switches the test off",
     "skip expectedfailure", ()),
    ("xfail-marker", r"@?pytest\.mark\.xfail\b(?![^\n]*strict\s*=\s*True)", "block",
     "a non-strict xfail marker lets a failing test count as fine", "xfail", ()),
    ("skip-call", r"\bpytest\.(?:skip|xfail)\s*\(|\bself\.skipTest\s*\("
     r"|\braise\s+(?:unittest\.)?SkipTest\b", "block",
     "an imperative skip or xfail inside the test switches it off", "skip xfail skiptest", ()),
    ("other-skip", r"\b(?:it|describe|test|context)\.skip\s*\(|\bx(?:it|describe|test)\s*\("
     r"|--passWithNoTests\b|\bt\.Skip(?:Now|f)?\s*\(|#\[ignore\]", "block",
     "a skipped spec (it.skip, xit, t.Skip, #[ignore]) or --passWithNoTests stops checking",
     "skip xit xdescribe xtest passwithnotests skipnow skipf ignore", ()),
    ("ci-return", r"\bif\s+[^\n:]*(?:environ|getenv)[^\n:]*[\"'](?:CI|GITHUB_ACTIONS|GITLAB_CI"
     r"|PYTEST_\w+|TESTING)[\"'][^\n:]*:[ \t]*(?:\n[ \t]+)?(?:return|pass)\b", "block",
     "the test returns early when it detects CI, so it never checks anything there",
     "environ getenv", ()),
    ("rm-tests", r"\b(?:git\s+rm|rm)\s+(?:-[a-zA-Z]+\s+)*[^\s;&|]*(?:\btests?/|test_\w*\.py"
     r"|_test\.(?:py|go|js|ts)|conftest\.py)|(?:os\.remove|os\.unlink|shutil\.rmtree)\(\s*"
     r"[^)\n]*test", "block", "it deletes test files", "rm remove unlink rmtree", ()),
    ("pragma", r"#\s*pragma:\s*no\s*cover", "warn",
     "excluding code from coverage hides untested branches", "pragma", ()),
    ("few-examples", r"\bmax_examples\s*=\s*[0-4]\b", "block",
     "a property test with almost no examples tests almost nothing", "max_examples", ()),
    ("assert-true", r"^[+ ]?[ \t]*assert\s+(?:True|1|not\s+False|not\s+None)\s*(?:,|#|$)"
     r"|self\.assertTrue\(\s*(?:True|1)\s*\)|^[+ ]?[ \t]*assert\s[^\n]*\bor\s+True\s*$",
     "block", "an assertion that always passes checks nothing", "true 1", ()),
    ("no-verify", r"--no-verify\b|\bgit\s+commit\b[^\n\"'|;&]*\s-[a-zA-Z]*n[a-zA-Z]*\b", "block",
     "--no-verify skips the commit hooks that guard the repository", "verify commit", ()),
    ("hooks-off", r"\bSKIP=[\w,-]+\s+(?:git|pre-commit)\b|\bPRE_COMMIT_ALLOW_NO_CONFIG\b"
     r"|\bSKIP=[\w-]+(?:,[\w-]+)*(?=[^\n.!?]{0,160}\b(?:pre-commit|hooks?|commit\w*)\b)"
     r"|\bHUSKY(?:_SKIP_HOOKS)?=(?:0|1|true)\b|core\.hooks[Pp]ath\s*(?:=|\s)\s*(?:/dev/null"
     r"|[\"']{2}|\S*tmp\S*)|\bpre-commit\s+uninstall\b|(?:\brm\b|chmod\s+-x)[^\n]*\.git/hooks/"
     r"|core\.hooks[Pp]ath[^.\n]{0,40}(?:empty|nowhere|null|nothing|/tmp)",
     "block", "it disables the repository's commit hooks",
     "skip pre_commit_allow_no_config husky husky_skip_hooks hookspath uninstall hooks", ()),
    ("ci-ignore", r"continue-on-error:\s*true|allow_failure:\s*true", "block",
     "it lets a failing CI step report success", "continue allow_failure", ()),
    ("or-true", rf"{_TESTCMD}[^\n]*?(?:\|\|\s*(?:true|:|exit\s+0)\b|;\s*(?:true|exit\s+0)\s*$)",
     "block", "it throws away the exit status of a test or lint command", "",
     ("||", "exit 0", "; true")),
    ("deselect", r"--deselect\b|--ignore(?:-glob)?[=\s]\S*test", "block",
     "it removes tests from the run", "deselect ignore", ()),
    ("k-not", r"\s-k\s+[\"']?[^\"'\n]*?\bnot\s+(?P<kname>[\w:.\[\]/-]+)", "warn",
     "-k 'not ...' deselects tests by name", "", ("-k",)),
    ("suppress", r"#\s*noqa\b(?!\s*:)|#\s*type:\s*ignore\b(?!\[)", "warn",
     "a blanket suppression hides every future problem on that line, not just this one",
     "noqa ignore", ()),
    ("commented", r"^[+ ]?[ \t]*#\s*(?:assert\s+[\w.\[\]()'\"]+\s*(?:==|!=|<=|>=|<|>|\bis\b"
     r"|\bin\b|,|\(|$)|self\.assert\w*\(|(?:async\s+)?def test_\w+\()", "block",
     "a commented-out assertion or test no longer checks anything", "", ("#",)),
    ("swallow", r"except\s*\(?\s*AssertionError[^:\n]*:\s*(?:\n\s*)?"
     r"(?:pass|return|\.\.\.|continue)\b",
     "block", "catching AssertionError makes failing checks pass silently", "assertionerror", ()),
    ("xfail-lax", r"\bxfail\(\s*(?:[^()\n]*,\s*)?strict\s*=\s*False\b", "block",
     "a non-strict xfail lets a failing test count as fine", "xfail", ()),
    ("rewrite-asserts", r"(?:\.replace|\bre\.subn?|\bsubn?)\(\s*r?[\"'][^\"'\n]{0,30}\bassert\b"
     r"|\b(?:sed|perl)\b[^\n]{0,60}?\bs([/|,])[^\n]{0,40}?\bassert\b[^\n]{0,20}?\1[^\n]{0,20}?"
     r"(?:#|\bpass\b|\btrue\b|//)", "block",
     "it rewrites the assertions in test files (commenting them out or replacing them)",
     "replace sub subn sed perl", ()),
    ("tautology", r"^[+ ]?[ \t]*assert\s+(?P<lhs>[^\n=!<>#]+?)\s*(?:==|<=|>=|\bis\b)\s*(?P=lhs)"
     r"\s*(?:,|#|$)|\bassert(?:Equal|Equals|Is|AlmostEqual)\(\s*(?P<a>[^,\n]+?)\s*,\s*(?P=a)"
     r"\s*[,)]", "block", "an assertion that compares a value with itself always passes",
     "", ("assert",)),
    ("assume-false", r"\bassume\(\s*(?:False|0|None)\s*\)|\breject\(\s*\)", "block",
     "it discards the inputs that would make the property fail, so it is never tested on them",
     "assume reject", ()),
    ("special-input", r"^[+ ]?[ \t]*(?:el)?if\s+[^\n:#]*?(?:==|\bin\b)\s*[^\n:#]*:[ \t]*"
     r"#(?P<c1>[^\n]*)\n[+ ]?[ \t]*return\b|^[+ ]?[ \t]*#(?P<c2>[^\n]*)\n[+ ]?[ \t]*(?:el)?if\s+"
     r"[^\n:#]*?(?:==|\bin\b)\s*[^\n:#]*:[ \t]*(?:#[^\n]*)?\n[+ ]?[ \t]*return\b", "block",
     "it special-cases the exact input a test or grader uses and returns a canned answer instead "
     "of computing it", "", ("if",)),
    ("or-true-prose", r"(?:\|\|\s*(?:true|:|exit\s+0)\b|\bexit\s+0\b|\bset\s+\+e\b)"
     r"(?P<rest>[^\n.!?;]{0,120})", "block",
     "it throws away the exit status of a test or lint command, so a failing run reads as passing",
     "", ("||", "exit 0", "set +e")),
    ("detect-test", r"PYTEST_CURRENT_TEST|[\"']pytest[\"']\s+in\s+sys\.modules"
     r"|sys\.modules\.get\(\s*[\"']pytest", "block",
     "code that detects it is under test can behave differently there",
     "pytest_current_test modules", ()),
)
_CODE_RULES = tuple((name, LazyPattern(p, re.M), sev, text, _words(gate), needles)
                    for name, p, sev, text, gate, needles in _CODE)
_FAIL_UNDER = LazyPattern(
    r"(?:--cov-fail-under|--fail-under|fail_under|cov_fail_under|fail-under)"
    r"(?:\s+(?:to|of|at)\s+|\s*[=:\s]\s*)[\"']?"
    r"(\d+(?:\.\d+)?)")
_HOOK_OUTCOME = _words("pytest_runtest_makereport pytest_runtest_logreport",
                       "pytest_report_teststatus pytest_runtest_call pytest_sessionfinish",
                       "pytest_pyfunc_call")
_OUTCOME_EDIT = LazyPattern(
    r"\.outcome\s*=|[\"']passed[\"']|\.passed\s*=|longrepr\s*=\s*None|force_result"
    r"|excinfo\s*=\s*None|exitstatus\s*=\s*0|\.failed\s*=\s*False")
_ITEMS_EDIT = LazyPattern(r"items\.clear\(\)|items\[:\]\s*=|\bdel\s+items\b|deselect"
                         r"|pytest\.mark\.(?:skip|xfail)")
_MODULE_EXIT = LazyPattern(
    r"(?m)^(?:sys\.exit|os\._exit|exit|quit)\(\s*0?\s*\)|^raise SystemExit\b")
_DIFF_ASSERT = LazyPattern(
    r"(?m)^(?P<sign>[-+])(?![-+]{2})\s*(?:assert\b|self\.assert\w+\(|expect\()")
_DIFF_TEST = LazyPattern(r"(?m)^(?P<sign>[-+])(?![-+]{2})\s*(?:async\s+)?def test_")
_TEST_DEF = LazyPattern(r"(?m)^([ \t]*)(?:async\s+)?def test_\w+\([^)]*\)[^:\n]*:[ \t]*$")
_G_ANY = (_G_VERB | _G_OBJECT | _G_FOREIGN | _FOREIGN_WORDS_TEST | _G_MARK | _G_PASSIVE
          | _G_THRESHOLD | _HOOK_OUTCOME
          | frozenset().union(*(a | b for _, _, _, a, b in _GOALS_RE))
          | frozenset().union(*(gate for _, _, _, _, gate, _ in _CODE_RULES))
          | _words("conftest fail_under pytest unittest exit quit systemexit return assertequal",
                   "assertequals assertis assertalmostequal",
                   "pytest_collection_modifyitems"))


#: "never bypass the hooks with", "do not set": a negated bypass verb earlier in the clause.
_NEGATED_BYPASS = LazyPattern(
    rf"{_NEGATOR.pattern}[^,]{{0,40}}?\b(?:bypass\w*|skip\w*|circumvent\w*|get(?:ting)? around"
    r"|dodg\w*|disabl\w*|use|using|set|setting|export\w*|commit\w*|push\w*|reach for|resort to"
    r"|add|adding|pass|passing)\b")


def _clause_before(text: str, pos: int) -> str:
    """The clause of ``text`` that ends at ``pos``: after the last cut or comma."""
    before = text[max(0, pos - 120):pos]
    cuts = list(_CUT.finditer(before))
    if cuts:
        before = before[cuts[-1].end():]
    return before[before.rfind(",") + 1:]


def _code_view(field: TextField) -> str:
    visible = field.visible
    return visible if visible.isascii() else unicodedata.normalize("NFKC", visible)


Hit = tuple[Severity, str, str]


class TestWeakeningRule(BaseRule):
    """Blocks advice and code that skip, delete or neuter tests, assertions or hooks."""

    __test__ = False
    name: ClassVar[str] = "test-weakening"
    defaults: ClassVar[dict[str, Any]] = {
        "min_fail_under": 50,  # a coverage floor below this is reported (warn)
    }

    def configure(self) -> None:
        """Validate options."""
        value = self.options["min_fail_under"]
        if not isinstance(value, int | float) or not 0 <= value <= 100:
            raise ValueError("option 'min_fail_under' must be a number from 0 to 100")

    def check(self, lesson: Lesson, ctx: CheckContext) -> Iterator[Finding]:
        """Yield one finding per weakening found in any string of the lesson."""
        seen: set[tuple[str, str]] = set()
        for field in ctx.fields(lesson):
            sk = field.skeleton
            if len(sk) < 6:
                continue
            words = word_set(sk)
            if _G_ANY.isdisjoint(words) and "||" not in sk and "-k" not in sk:
                if not sk.isascii() and _CJK_RU.search(field.normalized):
                    for severity, message, excerpt in self._foreign_far(field.normalized.lower()):
                        if (field.pointer, message) not in seen:
                            seen.add((field.pointer, message))
                            yield self.finding(field.pointer, message, excerpt=excerpt,
                                               severity=severity)
                continue
            is_code = field.pointer.rsplit("/", 1)[-1] == "code"
            for severity, message, excerpt in self.scan(_code_view(field), sk, words,
                                                        is_code=is_code):
                key = (field.pointer, message)
                if key not in seen:
                    seen.add(key)
                    yield self.finding(field.pointer, message, excerpt=excerpt, severity=severity)

    def scan(self, code: str, sk: str, words: frozenset[str] | None = None, *,
             is_code: bool = False) -> Iterator[Hit]:
        """Findings for one text: ``code`` keeps lines and case, ``sk`` is the skeleton.

        ``is_code`` says the text is a lesson's code field; elsewhere a skip marker or call
        only blocks inside a code block or when the sentence tells the agent to use it.
        """
        words = word_set(sk) if words is None else words
        yield from self._prose(sk, words)
        if not code.isascii() and _CJK_RU.search(code):
            yield from self._foreign_far(unicodedata.normalize("NFKC", code).lower())
        yield from self._code(code, words, is_code=is_code)

    # -- prose ---------------------------------------------------------------------------------

    def _judge(self, sk: str, start: int, end: int, *, gerund: bool = False,
               base: Severity = "block") -> Severity | None:
        """Severity of a weakening phrase at ``[start, end)``, or None when advised against."""
        if negated(sk, start) or (gerund and _post_negated(sk, end)):
            return None
        sentence = _sentence(sk, start, end)
        if _CHEAT.search(sentence):
            return "block"
        if _LEGIT.search(sentence) or sentence.rstrip().endswith("?"):
            return "warn"
        condition = _CONDITION_AFTER.match(sk, end, end + 120) or _CONDITION_BEFORE.search(
            sk, max(0, start - 120), start)
        if condition is not None and not _FAILING.search(condition.group("cond")):
            return "warn"  # "skip the test if symlinks are unsupported": a conditional skip
        return base

    def _prose(self, sk: str, words: frozenset[str]) -> Iterator[Hit]:
        verbs = _G_VERB & words
        objects = not _G_OBJECT.isdisjoint(words) or "test_" in sk
        if verbs and objects:
            for pos in word_positions(sk, verbs):
                m = _ACTIVE.match(sk, pos)
                if m is None or (m.group("verb").endswith("ed") and not _ED_ACTION.search(
                        sk, max(0, pos - 12), pos)) or _NOUN_USE.search(sk, max(0, pos - 8), pos):
                    continue  # "a skipped test", "the exclude test": adjectives, not advice
                severity = self._judge(sk, m.start(), m.end(),
                                       gerund=m.group("verb").endswith("ing"),
                                       base="block" if m.group("obj") else "warn")
                if (severity == "warn" and m.group("verb")[:3] in ("del", "rem", "dro", "nuk")
                        and _TEST_PATH.match(sk, m.start("obj") if m.group("obj") else m.end())
                        and not _LEGIT_DELETE.search(_sentence(sk, m.start(), m.end()))):
                    severity = "block"  # "delete tests/test_properties.py": a whole test file
                if (severity == "warn" and m.group("verb")[:3] in _DELETE_VERBS
                        and _FAILING_TESTS.search(sentence := _sentence(sk, m.start(), m.end()))
                        and not _REMOVED_FEATURE.search(sentence)):
                    severity = "block"  # "tests that fail after your change are obsolete: rm them"
                if severity is not None:
                    yield (severity, f"advises to {m.group().strip()}: weakening checks to get "
                           "a green run hides real failures; fix the code, or quarantine with a "
                           "strict, tracked xfail and a reason", _show(sk, m))
            if "it" in words or "them" in words:
                yield from self._pronouns(sk, verbs)
        if not _G_MARK.isdisjoint(words) and not _G_MARK_AS.isdisjoint(words):
            for m in _MARK.finditer(sk):
                severity = self._judge(sk, m.start(), m.end())
                if severity is not None:
                    yield (severity, "advises marking tests as skipped or expected to fail: the "
                           "failure stops being reported; fix it, or use a strict xfail that "
                           "links an issue", _show(sk, m))
        passive = _G_PASSIVE & words
        if passive and objects and not _G_BE.isdisjoint(words):
            yield from self._passive(sk, passive)
        for name, pattern, text, gate_a, gate_b in _GOALS_RE:
            if gate_a.isdisjoint(words) or gate_b.isdisjoint(words):
                continue
            present_a, present_b = gate_a & words, gate_b & words
            done = -1
            anchors = present_b if len(present_b) <= len(present_a) else present_a
            for lo, hi in _windows(sk, anchors):
                for m in pattern.finditer(sk, max(lo, done), hi):
                    done = m.end()
                    yield from self._goal(sk, m, name, text)
        if not _G_THRESHOLD.isdisjoint(words) and not _G_THRESHOLD_VERB.isdisjoint(words):
            yield from self._thresholds(sk)
        if not sk.isascii() or not (_G_FOREIGN.isdisjoint(words) or _FOREIGN_WORDS_TEST.isdisjoint(
                words)):
            yield from self._foreign(sk)
        if "conftest" in words:
            for m in _CONFTEST.finditer(sk):
                severity = self._judge(sk, m.start(), m.end())
                if severity is not None:
                    if "fixture" in _sentence(sk, m.start(), m.end()):
                        severity = "warn"
                    yield (severity, "advises editing conftest.py to change test outcomes: "
                           "results would no longer mean anything; keep conftest.py to fixtures "
                           "and options", _show(sk, m))

    def _foreign_far(self, sk: str) -> Iterator[Hit]:
        """The same advice in Japanese, Chinese, Korean or Russian (normalized text)."""
        for sentence_m in _FAR_SENTENCE.finditer(sk):
            sentence = sentence_m.group()
            verb = _FAR_VERB.search(sentence)
            if (verb is None or not _FAR_TEST.search(sentence) or not _FAR_FAIL.search(sentence)
                    or _FAR_NOT.search(sentence)):
                continue
            yield ("block", f"advises to remove or skip a failing test ({verb.group().strip()}): "
                   "weakening checks to get a green run hides real failures; fix the code "
                   "instead", scrub(sentence.strip()[:120]))

    def _foreign(self, sk: str) -> Iterator[Hit]:
        """Weakening advice in other languages: a failing test, then a verb that removes it."""
        for m in _FOREIGN_VERB.finditer(sk):
            sentence = _sentence(sk, m.start(), m.end())
            clause_start = max(sk.rfind(",", 0, m.start()), sk.rfind(":", 0, m.start()),
                               sk.rfind(";", 0, m.start()), sk.rfind(".", 0, m.start()))
            clause_end = min([i for i in (sk.find(",", m.end()), sk.find(".", m.end()),
                                          sk.find(";", m.end())) if i != -1] or [len(sk)])
            clause = sk[clause_start + 1:clause_end]
            if _FOREIGN_NOT.search(clause) or not _FOREIGN_TEST.search(sentence):
                continue
            if not (_FAIL_COND.search(sentence) or _CHEAT.search(sentence)):
                continue
            yield ("block", f"advises to {m.group().strip()} a failing test: weakening checks to "
                   "get a green run hides real failures; fix the code instead", _show(sk, m))

    def _pronouns(self, sk: str, verbs: frozenset[str]) -> Iterator[Hit]:
        for pos in word_positions(sk, verbs):
            m = _PRONOUN.match(sk, pos)
            if m is None or not _TESTWORD.search(sk, max(0, m.start() - 150), m.start()):
                continue
            severity = self._judge(sk, m.start(), m.end(),
                                   gerund=m.group("verb").endswith("ing"))
            if (severity == "warn" and m.group("verb")[:3] in _DELETE_VERBS
                    and _FAILING_TESTS.search(sentence := _sentence(sk, m.start(), m.end()))
                    and not _REMOVED_FEATURE.search(sentence)):
                severity = "block"
            if severity is not None:
                yield (severity, f"advises to {m.group('verb')} a test or assertion: weakening "
                       "checks to get a green run hides real failures; fix the code instead",
                       _show(sk, m))

    def _passive(self, sk: str, participles: frozenset[str]) -> Iterator[Hit]:
        for pos in word_positions(sk, participles):
            m = None
            for candidate in _PASSIVE.finditer(sk, max(0, pos - 120), pos + 40):
                if candidate.start("verb") == pos:
                    m = candidate
            if m is None:
                continue
            mid = m.group("mid")
            if re.search(r"\b(?:never|not|no longer)\b|n['’]t\b", mid) or _REPORTING.search(
                    sk, max(0, m.start() - 40), m.start()):
                continue
            base: Severity = "block" if _MODAL.search(mid) else "warn"
            severity = self._judge(sk, m.start(), m.end(), base=base)
            if severity is not None:
                yield (severity, f"says {m.group('obj')} should be {m.group('verb')}: weakening "
                       "checks hides real failures; fix the code, or give a reason and a "
                       "tracking issue", _show(sk, m))

    def _goal(self, sk: str, m: re.Match[str], name: str, text: str) -> Iterator[Hit]:
        sentence = _sentence(sk, m.start(), m.end())
        severity = self._judge(sk, m.start(), m.end(), gerund="ing " in m.group()[:14],
                               base="warn" if name == "snapshot" else "block")
        if severity == "warn" and name in ("assert-true", "return", "catch"):
            severity = "warn" if "?" in sentence else "block"
        if severity is None or (name == "assert-true" and _USELESS.match(sk, m.end())):
            return
        if name == "catch" and re.search(r"pytest\.raises|assertraises|raises\(", sentence):
            return
        yield (severity, f"advice that {text}; a lesson must make the code right, not the test "
               "quiet", _show(sk, m))

    def _thresholds(self, sk: str) -> Iterator[Hit]:
        for m in _THRESHOLD.finditer(sk):
            verb, what = m.group("verb"), m.group("what")
            lowering = verb[:3] in ("low", "red", "dec", "dro") or verb in _LOOSEN
            if "coverage" in what or "under" in what or what == "max_examples":
                if not lowering:
                    continue
                base: Severity = "block"
            elif re.match(r"(?:\w+ )?toleran|rtol|atol|abs_tol|rel_tol|epsilon", what):
                if lowering and verb not in _LOOSEN:
                    continue  # a smaller tolerance is a stricter test
                base = "warn"
            else:  # a threshold of unknown direction
                base = "warn"
            severity = self._judge(sk, m.start(), m.end(), gerund=verb.endswith("ing"), base=base)
            if severity == "warn":
                stop = sk.find(". ", m.end())
                if _CHEAT.search(sk, m.end(), stop if stop != -1 else len(sk)):
                    severity = "block"  # "raise rel_tol to 0.5; this stops the noise"
            if severity is not None:
                yield (severity, f"advises to {verb} the {what}: loosening a threshold until the "
                       "run passes hides the regression it was there to catch; keep it and fix "
                       "the cause", _show(sk, m))

    # -- code ----------------------------------------------------------------------------------

    def _code(self, code: str, words: frozenset[str], *, is_code: bool = False) -> Iterator[Hit]:
        low = code.lower()
        for name, pattern, severity, text, gate, needles in _CODE_RULES:
            if needles:
                if not any(n in code for n in needles):
                    continue
            elif gate.isdisjoint(words):
                continue
            if name == "commented" and "assert" not in words and "def" not in words:
                continue
            for m in pattern.finditer(code):
                found = self._code_severity(code, low, m, name, severity)
                if (found == "block" and not is_code and name in _PROSE_SOFT
                        and not _in_code_block(code, m.start())
                        and not _IMPERATIVE.search(low, max(0, m.start() - 80), m.start())
                        and not _FAIL_COND.search(_sentence(low, m.start(), m.end()))
                        and not _CHEAT.search(_sentence(low, m.start(), m.end()))):
                    found = "warn"  # "raised by an explicit call to pytest.xfail()": a mention
                if found is not None and not is_code and _described(low, m.start(), m.end()):
                    found = None  # "Committing with --no-verify only moves the failure to CI"
                if found is not None:
                    yield (found, f"{text}; fix the failure instead of hiding it",
                           scrub(_excerpt_at(code, m.start(), m.end())))
        if not _G_THRESHOLD.isdisjoint(words) or "fail_under" in words:
            yield from self._fail_under(code)
        if any(k in code for k in ("tol", "rel=", "abs=", "delta=", "rel =", "abs =", "delta =")):
            yield from self._loose_tolerance(code, low)
        if not _HOOK_OUTCOME.isdisjoint(words) and "def pytest_" in code and _OUTCOME_EDIT.search(
                code):
            yield ("block", "a pytest hook rewrites test outcomes or the exit status: every "
                   "result would read as passed; remove the hook", "pytest hook edits outcome")
        if "def pytest_collection_modifyitems" in code and _ITEMS_EDIT.search(code):
            conditional = re.search(r"getoption|getini|config\.option", code)
            yield ("warn" if conditional else "block", "pytest_collection_modifyitems skips or "
                   "drops collected tests; tests it removes are never run",
                   "pytest_collection_modifyitems")
        if "def test_" in code or not words.isdisjoint(("pytest", "unittest", "conftest")):
            if not words.isdisjoint(("exit", "_exit", "quit", "systemexit")):
                m2 = _MODULE_EXIT.search(code)
                if m2:
                    yield ("block", "test code exits the interpreter with success at module "
                           "level: pytest can report a clean run without running the tests; "
                           "remove it", scrub(_line_at(code, m2.start())))
            if "return" in words and "def test_" in code:
                yield from self._early_return(code)
        if " in " in code and "return" in words:
            table = _ANSWER_TABLE.search(code)
            if table and _ANSWER_COMMENT.search(code):
                yield ("block", "the code looks up hard-coded answers for the inputs the tests "
                       "use instead of computing them; solve the task in general",
                       scrub(_line_at(code, table.start())))
        if "\n@@ " in code or code.startswith(("@@ ", "--- ")) or "\n--- " in code:
            yield from self._diff(code)

    def _code_severity(self, code: str, low: str, m: re.Match[str], name: str,
                       severity: Severity) -> Severity | None:
        if negated(low, m.start()):
            return None
        if name in ("no-verify", "hooks-off") and _NEGATED_BYPASS.search(_clause_before(
                low, m.start())):
            return None  # "never bypass the hooks with --no-verify"
        sentence = _sentence(low, m.start(), m.end())
        if name in ("skip-call", "skip-marker", "xfail-marker"):
            if _conditional(code, m.start()) or _OPTION_GATED.search(code):
                return "warn"
            if _EVERY.search(sentence) and not _PLATFORM.search(sentence):
                return "block"
            if _CHEAT.search(sentence) is None and _LEGIT.search(sentence):
                return "warn"
        if name == "pragma" and (_CHEAT.search(sentence) or _COVERAGE_GOAL.search(sentence)):
            return "block"
        if name == "pragma" and _UNREACHABLE.search(sentence):
            return None  # "mark a genuinely unreachable branch with # pragma: no cover"
        if name == "suppress" and ("type: ignore[" in code or "noqa:" in code):
            return None  # the lesson asks for the error-code form it also shows
        if name in ("deselect", "k-not") and _LOCAL_RUN.search(sentence) and not _CHEAT.search(
                sentence):
            return "warn"  # "pytest --ignore=tests/e2e locally; CI runs the e2e suite"
        if name == "special-input":
            comment = m.group("c1") if m.group("c1") is not None else m.group("c2")
            return "block" if _SPECIAL_COMMENT.search(comment or "") else None
        if name == "or-true-prose":
            return self._or_true_prose(code, low, m)
        if name == "k-not":
            target = m.group("kname")
            return "block" if target.startswith("test") or "::" in target or _CHEAT.search(
                sentence) else "warn"
        return severity

    @staticmethod
    def _or_true_prose(code: str, low: str, m: re.Match[str]) -> Severity | None:
        """``|| true`` described as something to add to a test command, in prose."""
        line_start = code.rfind("\n", 0, m.start()) + 1
        before = code[line_start:m.start()]
        if re.search(_TESTCMD, before):
            return None  # the code rule "or-true" reports the command itself
        if before.count("`") % 2 == 1:  # inside `…`: the span must be the suffix alone
            span = before[before.rfind("`") + 1:]
            if span.strip():
                return None  # `docker rm -f db || true`: another command's exit status
        sentence = _sentence(low, m.start(), m.end())
        if re.search(_TESTCMD, sentence, re.I) or _OR_TRUE_TARGET.search(sentence) or _CHEAT.search(
                sentence):
            return "block"
        return None

    def _loose_tolerance(self, code: str, low: str) -> Iterator[Hit]:
        """A comparison whose tolerance is so wide it can no longer fail."""
        for line_m in _TOL_LINE.finditer(code):
            line = line_m.group()
            if negated(low, line_m.start()):
                continue
            tols = [(k, _number(v)) for k, v in _TOL_KW.findall(line)]
            rest = _TOL_KW.sub(" ", line)
            literals = [abs(x) for x in (_number(v) for v in _NUM.findall(rest)) if x is not None]
            for kw, value in tols:
                if value is None:
                    continue
                if kw in ("rel_tol", "rel", "rtol"):
                    loose = value >= 0.5
                else:
                    scale = max(literals) if literals else None
                    loose = value >= 1e6 or (scale is not None and value >= max(1.0, 100 * scale))
                if loose:
                    yield ("block", f"a comparison with {kw}={value:g} accepts almost any value: "
                           "the assertion can no longer fail; keep a tight tolerance and fix the "
                           "result", scrub(_line_at(code, line_m.start())))
                    break

    def _fail_under(self, code: str) -> Iterator[Hit]:
        values = [float(v) for v in _FAIL_UNDER.findall(code)]
        if not values:
            return
        floor = float(self.options["min_fail_under"])
        if any(later < earlier for earlier, later in itertools.pairwise(values)):
            yield ("block", "the coverage floor (fail-under) is lowered: the check passes by "
                   "demanding less; add tests instead", f"fail-under {values}")
        elif min(values) <= 0:
            yield ("block", "a coverage floor (fail-under) of 0 disables the coverage check; "
                   "keep the project's floor", f"fail-under {min(values):g}")
        elif min(values) < floor and (_CHEAT.search(code.lower()) or any(
                float(p) > min(values) for p in re.findall(r"\b(\d{1,3})(?:\.\d+)?\s*%", code))):
            yield ("block", f"the coverage floor (fail-under) is set to {min(values):g}, below "
                   "what the project required: the check passes by demanding less; add tests "
                   "instead", f"fail-under {min(values):g}")
        elif min(values) < floor:
            yield ("warn", f"a coverage floor (fail-under) of {min(values):g} is below "
                   f"{floor:g}; make sure it was not lowered to get a green run",
                   f"fail-under {min(values):g}")

    def _early_return(self, code: str) -> Iterator[Hit]:
        lines = code.splitlines()
        for m in _TEST_DEF.finditer(code):
            line_no = code.count("\n", 0, m.start()) + 1
            in_doc = False
            for line in lines[line_no:line_no + 30]:
                stripped = line.strip()
                if in_doc:
                    in_doc = not stripped.endswith(_DOCSTRING)
                    continue
                if not stripped or stripped.startswith("#"):
                    continue
                if stripped.startswith(_DOCSTRING):
                    in_doc = not (len(stripped) > 3 and stripped.endswith(_DOCSTRING))
                    continue
                if stripped == "return" or stripped.startswith(("return ", "return;")):
                    yield ("block", "a test returns before checking anything: it always "
                           "passes; remove the early return", scrub(m.group().strip()))
                break

    def _diff(self, code: str) -> Iterator[Hit]:
        asserts = [m.group("sign") for m in _DIFF_ASSERT.finditer(code)]
        tests = [m.group("sign") for m in _DIFF_TEST.finditer(code)]
        if tests.count("-") > tests.count("+"):
            yield ("block", f"the patch deletes {tests.count('-') - tests.count('+')} test "
                   "function(s): the behaviour they checked is no longer tested",
                   "diff removes def test_…")
        if asserts.count("-") > asserts.count("+"):
            yield ("block", f"the patch removes {asserts.count('-') - asserts.count('+')} "
                   "assertion(s) without replacing them: the tests check less",
                   "diff removes assert …")


_DOCSTRING = ('"' * 3, "'" * 3)
_TOL_LINE = LazyPattern(
    r"(?m)^[^\n]*\b(?:isclose|approx|allclose|assert_allclose|assertAlmostEqual|assertNotAlmostEqual"
    r"|assert_approx_equal|assert_array_almost_equal|toBeCloseTo)\b[^\n]*$")
_TOL_KW = LazyPattern(r"\b(rel_tol|abs_tol|rel|abs|rtol|atol|delta)\s*=\s*([-+]?(?:\d+\.?\d*|\.\d+)"
                      r"(?:[eE][-+]?\d+)?|float\(\s*[\"']inf[\"']\s*\)|math\.inf|inf)")
_NUM = LazyPattern(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])")
_SPECIAL_COMMENT = LazyPattern(
    r"(?i)\b(?:tests?|test_\w+|grader|autograder|judge|checker|evaluator|property|hypothesis"
    r"|counterexamples?|falsif\w*|failing|harness|hidden|assert\w*|case_id|task_id|fuzz\w*"
    r"|ci|pytest|expected (?:output|answer|value)s?|benchmark|humaneval)\b")
_OR_TRUE_TARGET = LazyPattern(
    r"\b(?:tests?|test suite|suite|lint\w*|checks?|type ?check\w*|pipeline|ci)\s+(?:command|step"
    r"|run|job|invocation|script|line|target|stage)s?\b|\bfailing (?:suite|tests?|run|build|job"
    r"|check)\b|\b(?:never|won['’]?t|doesn['’]?t|does not|no longer) fails?\b")
_ANSWER_TABLE = LazyPattern(
    r"\bif\s+[^\n:]*\bin\s+(?P<t>[A-Za-z_]\w*)\s*:\s*\n?\s*return\s+(?P=t)\s*[\[.(]")
_ANSWER_COMMENT = LazyPattern(
    r"(?i)(?:#|//|\"{3}|'{3})[^\n]*\b(?:grader|autograder|judge|evaluator|checker|hidden tests?"
    r"|test inputs?|test cases?|failing cases?|the tests?|known (?:inputs|cases|answers))\b")


def _number(text: str) -> float | None:
    if "inf" in text:
        return float("inf")
    try:
        return float(text)
    except ValueError:
        return None


def word_positions(text: str, words: frozenset[str]) -> list[int]:
    """Sorted start offsets of ``words`` in ``text`` at word boundaries."""
    found: set[int] = set()
    for word in words:
        i = text.find(word)
        while i != -1:
            if i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"):
                found.add(i)
            i = text.find(word, i + 1)
    return sorted(found)


_PROSE_SOFT = frozenset(("skip-marker", "xfail-marker", "skip-call", "other-skip", "detect-test",
                         "assert-true", "k-not"))


def _in_code_block(text: str, pos: int) -> bool:
    """True inside a Markdown fence, on an indented line, or at the start of a line."""
    if text.count("```", 0, pos) % 2 == 1:
        return True
    line = text[text.rfind("\n", 0, pos) + 1:pos]
    return (line.startswith(("    ", "\t")) or line.lstrip().startswith((">>>", "$ "))
            or not line.strip())  # a statement or decorator on a line of its own


def _windows(text: str, words: frozenset[str], *, reach: int = 280) -> list[tuple[int, int]]:
    """Merged ``[lo, hi)`` spans of ``reach`` characters around each of ``words`` in ``text``."""
    spans: list[tuple[int, int]] = []
    for pos in word_positions(text, words):
        lo, hi = max(0, pos - reach), pos + reach
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans


def _conditional(code: str, pos: int) -> bool:
    """True when the statement at ``pos`` sits under an if/else/except or has a condition."""
    line_start = code.rfind("\n", 0, pos) + 1
    line = code[line_start:code.find("\n", pos) if "\n" in code[pos:] else len(code)]
    if re.search(r"\bif\b|skipif|condition", line):
        return True
    previous = code[:line_start].rstrip("\n").rsplit("\n", 1)[-1].strip()
    return bool(re.match(r"(?:if|elif|else|except|with|try)\b.*:$", previous))


def _excerpt_at(code: str, start: int, end: int) -> str:
    """The line holding ``[start, end)``, cut around the match when the line is long."""
    line = _line_at(code, start)
    if not line.endswith("…"):
        return line
    line_start = code.rfind("\n", 0, start) + 1
    line_end = code.find("\n", end)
    line_end = len(code) if line_end == -1 else line_end
    lo, hi = max(line_start, start - 50), min(line_end, end + 60)
    return (("…" if lo > line_start else "") + code[lo:hi].strip()
            + ("…" if hi < line_end else ""))


#: A gerund subject ("Committing with --no-verify …", "Adding `|| true` …") …
_GERUND_SUBJECT = LazyPattern(r"\W*(?:\w+ing|the|a|an)\b[^,:]{0,60}$")
#: … judged by what follows: it only moves the failure, is not a fix, hides the problem.
_CRITICAL_AFTER = LazyPattern(
    r"\b(?:only|just|merely|simply)\s+(?:moves?|shifts?|delays?|defers?|postpones?|pushes?|hides?"
    r"|masks?|hands?|kicks?|buries|bury|trades?)\b|\b(?:is|are|was|isn['’]t|aren['’]t)\s+"
    r"(?:not\s+|never\s+)?(?:a|the|no)\s+(?:fix|solution|answer|workaround)\b|\bdoes(?:n['’]t"
    r"| not) (?:fix|solve|help|make)\b|\b(?:fixes|solves) nothing\b|\bdefeats\b|\bhides\b"
    r"|\bmasks\b|\bbreaks\b|\bblocks (?:everyone|others|the team)|\bcosts?\b|\bbackfires?\b"
    r"|\b(?:is|are) (?:never|not) (?:ok|okay|acceptable|allowed|fine)\b")


def _described(low: str, start: int, end: int) -> bool:
    """True when a command is the subject of a sentence that criticises it, not an instruction."""
    sentence_start = max(low.rfind(". ", 0, start), low.rfind("\n", 0, start),
                         low.rfind("; ", 0, start), low.rfind("? ", 0, start),
                         low.rfind("! ", 0, start))
    head = low[sentence_start + 1:start]
    if _GERUND_SUBJECT.match(head) is None or _IMPERATIVE.search(head):
        return False
    stops = [i for i in (low.find(". ", end), low.find("\n", end), low.find("; ", end)) if i != -1]
    tail = low[end:min(stops) if stops else len(low)]
    return bool(_CRITICAL_AFTER.search(tail) or _POST_NEGATION.search(tail[:80]))


def _line_at(code: str, pos: int) -> str:
    start = code.rfind("\n", 0, pos) + 1
    end = code.find("\n", pos)
    line = code[start:end if end != -1 else len(code)].strip()
    return line if len(line) <= 120 else line[:117] + "…"


def _show(text: str, m: re.Match[str]) -> str:
    lo = max(0, m.start() - 30)
    snippet = text[lo:m.end() + 30]
    return scrub(("…" if lo else "") + snippet + ("…" if m.end() + 30 < len(text) else ""))
