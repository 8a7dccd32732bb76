"""Secrets: credentials, tokens and private keys that must never enter an agent's memory.

This is our own detector, not a library. RELIABILITY.md measured detect-secrets 1.5.0 missing
a bare Anthropic key and raising 4/10 false alarms on hashes and placeholders, while a port of
gitleaks' rule set found 13/16 with 0/10 false alarms; so the rules below follow the token
formats gitleaks documents (prefixes, lengths, alphabets), add context checks for formats
without a prefix (AWS secret keys, generic ``password = ...`` assignments, connection-string
passwords) and an entropy check on long tokens, and drop placeholders, hashes in hash context,
UUIDs, ordinary base64 text and long identifiers. A secret itself never reaches a finding:
excerpts show its first four characters and its length only.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

from guardian.policy.base import BaseRule, CheckContext
from guardian.records import Finding, Lesson, Severity
from guardian.text import LazyPattern, decode_embedded

_FIX = ("a credential in a lesson is copied into every prompt and into the code the agent "
        "writes, where it leaks; revoke or rotate it and refer to it by name instead "
        "(an environment variable or a secret store)")


def redact(secret: str) -> str:
    """A printable stand-in for ``secret``: its first four characters and its length."""
    return f"{secret[:4]}…({len(secret)} chars)"


_LONG_TOKEN = LazyPattern(r"[A-Za-z0-9+_=-]{16,}")


def _scrub_one(m: re.Match[str]) -> str:
    token = m.group()
    mixed = any(c.isdigit() for c in token) and any(c.isalpha() for c in token)
    parts = [p for p in re.split(r"[_=-]+", token) if p]
    wordy = len(parts) > 1 and all(_WORDY.fullmatch(p) for p in parts)
    return redact(token) if mixed and not wordy and entropy(token) >= 3.2 else token


def scrub(text: str) -> str:
    """``text`` with every secret-looking run (16+ mixed letters and digits) redacted.

    Other rules use it for their excerpts, so that a key inside a URL or a command they report
    is not printed either.
    """
    return _LONG_TOKEN.sub(_scrub_one, text)


def entropy(text: str) -> float:
    """Shannon entropy of ``text`` in bits per character."""
    if not text:
        return 0.0
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


_PLACEHOLDER = LazyPattern(
    r"x{4,}|X{4,}|\*{3,}|\.{3}|…|<[^>]*>|\$\{|\{\{|\$[A-Z_]{3,}|%\(?\w*\)?s\b"
    r"|(?i:your[_-]?|example|sample|dummy|placeholder|redacted|change[_-]?me|replace[_-]?me"
    r"|insert[_-]?|fake|not[_-]?a[_-]?real|(?:test|my)[_-]?(?:key|token|secret|pass)"
    r"|todo|fill[_-]?in|enter[_-]?your|here\b)"
    r"|(.)\1{5,}")
#: Keyboard runs: a typed stand-in in a ``password = ...`` line, but common in fabricated keys
#: with a real prefix too (``AKIA1234567890ABCDEF``), which are reported anyway.
_SEQUENCE = LazyPattern(r"(?i)0123456789|123456|abcdefg|qwerty|mock|user(?:name)?:pass"
                       r"|^(?:passw(?:or|0)d|secret|admin|root|letmein|hunter|welcome|test)"
                       r"[\d!@#$%^&*._-]*$")


def is_placeholder(value: str, *, sequences: bool = True) -> bool:
    """True for values that stand for a secret instead of being one (xxx, <key>, ${KEY}...).

    ``sequences`` also counts keyboard runs (123456, abcdefg, qwerty) as placeholders; a value
    with a provider prefix is judged without them, since fabricated keys use them too.
    """
    if _PLACEHOLDER.search(value) or (sequences and _SEQUENCE.search(value)):
        return True
    core = value.strip("'\"` ")
    return len(core) >= 12 and len(set(core)) < 6


def _b64decode(part: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        return None


def _json_part(part: str) -> dict[str, Any] | None:
    raw = _b64decode(part)
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


# --- validators: given the matched secret, return the severity or None to drop it -------------

Validator = Callable[[str, str], "Severity | None"]


def _prefixed(min_len: int = 0) -> Validator:
    def check(secret: str, context: str) -> Severity | None:
        if len(secret) < min_len or is_placeholder(secret, sequences=False):
            return None
        return "block"
    return check


def _openai_legacy(secret: str, context: str) -> Severity | None:
    body = secret[3:]
    mixed = any(c.isdigit() for c in body) and body.lower() != body and body.upper() != body
    if not mixed or is_placeholder(body, sequences=False) or entropy(body) < 4.0:
        return None
    return "block"


def _aws_id(secret: str, context: str) -> Severity | None:
    if secret.endswith("EXAMPLE"):
        return "warn"  # AWS's documented example keys (AKIAIOSFODNN7EXAMPLE)
    return None if is_placeholder(secret, sequences=False) else "block"


def _aws_secret(secret: str, context: str) -> Severity | None:
    if "EXAMPLE" in secret:
        return "warn"
    if is_placeholder(secret, sequences=False) or re.fullmatch(r"[0-9a-f]+", secret):
        return None  # a lowercase hex run is a SHA-1, not a key
    kinds = sum(bool(re.search(p, secret)) for p in ("[A-Z]", "[a-z]", "[0-9]"))
    return "block" if kinds == 3 and entropy(secret) >= 4.0 else None


def _anthropic(secret: str, context: str) -> Severity | None:
    if is_placeholder(secret, sequences=False) or context.startswith(("...", "…")):
        return None
    return "block" if len(secret) >= 60 else "warn"  # a partial key still leaks a prefix


def _stripe_test(secret: str, context: str) -> Severity | None:
    return None if is_placeholder(secret, sequences=False) else "warn"


def _pem(secret: str, context: str) -> Severity | None:
    body = re.sub(r"\\n|\s|\\r", "", context)
    body = re.sub(r"[A-Za-z-]+:[^\\]*?(?=[A-Za-z0-9+/]{40})", "", body, count=3)  # Proc-Type etc.
    run = re.match(r"[A-Za-z0-9+/=]+", body)
    length = len(run.group()) if run else 0
    material = body[:length]
    if material.startswith(_OPENSSH_MAGIC):  # "openssh-key-v1\0" + "none" fields: runs of A
        material = material[len(_OPENSSH_MAGIC) + 60:]
    if length >= 64 and len(material) >= 32 and not is_placeholder(material):
        return "block"
    return None


_OPENSSH_MAGIC = "b3BlbnNzaC1rZXktdjE"


_JWT_EXAMPLES = LazyPattern(r"john doe|1234567890|jane|example|test|dummy|demo|fake|sample", re.I)


def _jwt(secret: str, context: str) -> Severity | None:
    head, _, rest = secret.partition(".")
    payload, _, signature = rest.partition(".")
    header = _json_part(head)
    if header is None or "alg" not in header:
        return None
    body = _json_part(payload)
    if str(header.get("alg")).lower() == "none" or not signature:
        return "warn"  # unsigned: not a credential, but still a token shape worth a look
    if body is not None and _JWT_EXAMPLES.search(json.dumps(body)):
        return "warn"  # the jwt.io example and test fixtures
    return "block"


_LOCAL_HOST = LazyPattern(
    r"(?i)^(?:localhost|127\.[\d.]+|0\.0\.0\.0|\[?::1\]?|[a-z][a-z0-9_-]*|.*\.(?:local|localhost|"
    r"test|example|invalid|internal)|(?:.*\.)?example\.(?:com|net|org))(?::\d+)?$")
_WEAK_PASSWORDS = frozenset((
    "password", "pass", "passwd", "pwd", "secret", "admin", "root", "guest", "postgres", "mysql",
    "redis", "user", "test", "changeme", "letmein", "hunter2", "default"))


def _weak(password: str, user: str) -> bool:
    low = password.lower()
    return (low == user.lower() or low in _WEAK_PASSWORDS or len(password) < 6
            or is_placeholder(password))


def _connection(password: str, context: str) -> Severity | None:
    user, _, host = context.partition("\0")
    if _weak(password, user) or re.search(r"[{}$%<>]", password):
        return None
    return "warn" if _LOCAL_HOST.match(host) else "block"


# --- detectors for prefixed tokens --------------------------------------------------------------
# Each is (name, literal heads, pattern, validator). Prefixed secrets contain no spaces, so they
# are searched only inside whitespace-separated tokens that contain one of the heads.

_Detector = tuple[str, str, str, Validator]

_TOKEN_DETECTORS: tuple[_Detector, ...] = (
    ("aws_id", "AKIA ASIA ABIA ACCA A3T",
     r"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b", _aws_id),
    ("gcp_key", "AIza", r"\bAIza[0-9A-Za-z_-]{35}(?![\w-])", _prefixed()),
    ("gcp_oauth", "GOCSPX- ya29.",
     r"\bGOCSPX-[A-Za-z0-9_-]{28}(?![\w-])|\bya29\.[A-Za-z0-9_-]{30,}", _prefixed()),
    ("azure_key", "ccountKey= ccountkey= ccessKey= ccesskey=",
     r"(?i:AccountKey|SharedAccessKey)=(?P<azure_key_v>[A-Za-z0-9+/]{40,90}=*)", _prefixed()),
    ("azure_sas", "sig=", r"[?&]sv=20\d\d-[^\s\"'&]*&(?:[^\s\"']*&)?sig="
                          r"(?P<azure_sas_v>[A-Za-z0-9%+/=]{30,})", _prefixed()),
    ("azure_ad", "Q~",
     r"(?<![\w~.-])[a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34}(?![\w~.-])", _prefixed()),
    ("github", "ghp_ gho_ ghu_ ghs_ ghr_ github_pat_",
     r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{50,255})\b", _prefixed()),
    ("gitlab", "glpat- gldt- glrt- glptt- glcbt- glsoat- glffct- glft- glimt- GR1348941",
     r"\b(?:glpat|gldt|glrt|glptt|glcbt|glsoat|glffct|glft|glimt)-[A-Za-z0-9_-]{20,}"
     r"|\bGR1348941[A-Za-z0-9_-]{20,}", _prefixed()),
    ("anthropic", "sk-ant-", r"\bsk-ant-(?:[a-z]{3,6}\d\d-)?[A-Za-z0-9_-]{20,}", _anthropic),
    ("openai", "sk-", r"\bsk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{40,}"
                      r"|\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}\b", _prefixed()),
    ("openai_legacy", "sk-", r"\bsk-[A-Za-z0-9]{32,64}\b(?!-)", _openai_legacy),
    ("slack", "xox xapp-",
     r"\bxox[abeoprs]-\d{6,}-[0-9A-Za-z-]{10,}|\bxoxe(?:\.xox[bp])?-\d-[A-Za-z0-9]{40,}"
     r"|\bxapp-\d-[A-Z0-9]{6,}-\d{6,}-[a-z0-9]{20,}", _prefixed()),
    ("slack_hook", "hooks.slack.com", r"hooks\.slack\.com/(?:services|workflows|triggers)/"
     r"(?P<slack_hook_v>T[A-Z0-9]{6,}/[AB][A-Z0-9]{6,}/[A-Za-z0-9]{20,})", _prefixed()),
    ("discord_hook", "/api/webhooks/", r"discord(?:app)?\.com/api/webhooks/"
     r"(?P<discord_hook_v>\d{10,}/[A-Za-z0-9_-]{50,})", _prefixed()),
    ("telegram", ":AA", r"\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b", _prefixed()),
    ("stripe", "sk_live_ rk_live_ whsec_",
     r"\b(?:sk|rk)_live_[A-Za-z0-9]{20,}\b|\bwhsec_[A-Za-z0-9+/]{32,}", _prefixed()),
    ("stripe_test", "sk_test_ rk_test_", r"\b(?:sk|rk)_test_[A-Za-z0-9]{20,}\b", _stripe_test),
    ("twilio", "SK", r"\bSK[0-9a-fA-F]{32}\b", _prefixed()),
    ("sendgrid", "SG.", r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b", _prefixed()),
    ("npm", "npm_", r"\bnpm_[A-Za-z0-9]{36}\b", _prefixed()),
    ("pypi", "pypi-AgE", r"\bpypi-AgE[A-Za-z0-9_-]{50,}", _prefixed()),
    ("huggingface", "hf_ api_org_",
     r"\bhf_[A-Za-z0-9]{34,40}\b|\bapi_org_[A-Za-z0-9]{34}\b", _prefixed()),
    ("jwt", "eyJ", r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*", _jwt),
)
_HEADS = LazyPattern("|".join(
    re.escape(head) for _, heads, _, _ in _TOKEN_DETECTORS for head in heads.split()))
#: Heads that open a token (checked with str.startswith on delimiter-split parts) and heads that
#: sit inside one (checked with ``in`` on the whole text first).
_INNER_HEADS = ("sig=", "Q~", ":AA", "ccountKey=", "ccountkey=", "ccessKey=", "ccesskey=",
                "hooks.slack.com", "/api/webhooks/")
_PREFIXES = tuple(head for _, heads, _, _ in _TOKEN_DETECTORS for head in heads.split()
                  if head not in _INNER_HEADS)
_DELIMITERS = str.maketrans(dict.fromkeys("=:\"'`(),;<>[]{}|\\@/?&#*!$", " "))
_COMBINED = LazyPattern("|".join(f"(?P<{name}>{pattern})"
                                for name, _, pattern, _ in _TOKEN_DETECTORS))
_VALIDATORS = {name: check for name, _, _, check in _TOKEN_DETECTORS}

_LABELS = {
    "aws_id": "AWS access key id", "aws_secret": "AWS secret access key",
    "gcp_key": "Google Cloud API key", "gcp_oauth": "Google OAuth secret or access token",
    "azure_key": "Azure storage/service account key", "azure_sas": "Azure SAS signature",
    "azure_ad": "Azure AD client secret", "github": "GitHub token", "gitlab": "GitLab token",
    "anthropic": "Anthropic API key", "openai": "OpenAI API key", "slack": "Slack token",
    "openai_legacy": "OpenAI-style secret key (sk-...)",
    "slack_hook": "Slack webhook URL", "discord_hook": "Discord webhook URL",
    "telegram": "Telegram bot token", "stripe": "Stripe live secret key",
    "stripe_test": "Stripe test-mode key", "twilio": "Twilio API key",
    "sendgrid": "SendGrid API key", "npm": "npm access token", "pypi": "PyPI upload token",
    "huggingface": "Hugging Face token", "private_key": "private key block",
    "putty": "PuTTY private key", "jwt": "JSON Web Token",
    "connection": "password in a connection URL", "assignment": "hard-coded credential",
    "header": "credential in an Authorization header", "entropy": "high-entropy token",
}

# --- detectors that need context around the secret ---------------------------------------------

_AWS_SECRET = LazyPattern(
    r"(?i:aws.{0,24}?secret|secret.?access.?key)[\w\"' ]{0,12}[=:>]\s*[\"']?"
    r"(?P<val>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")
_PEM = LazyPattern(r"-----BEGIN[A-Z0-9 ]{0,20} PRIVATE KEY(?: BLOCK)?-----")
_PUTTY = LazyPattern(r"PuTTY-User-Key-File-\d:[^\n]*(?:\n[^\n]*){0,12}\nPrivate-Lines:")
_CONNECTION = LazyPattern(
    r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}://(?P<user>[^\s:/?#@'\"]*):(?P<pw>[^\s@/?'\":,]+)@"
    r"(?P<host>\[[0-9a-fA-F:.]+\]|[^\s/?#:'\"@]+)")
_KEYWORD = (r"password|passwd|passphrase|pwd|secret|api[_-]?key|apikey|access[_-]?key"
            r"|auth[_-]?token|access[_-]?token|refresh[_-]?token|client[_-]?secret|private[_-]?key"
            r"|secret[_-]?key|signing[_-]?key|token|credentials?|auth")
_KEY_STEMS = ("pass", "pwd", "secret", "key", "token", "credential", "auth")
_CONTEXT_STEMS = (*_KEY_STEMS, "aws", "bearer")
_ASSIGNMENT = LazyPattern(
    rf"(?i)(?P<key>[A-Za-z0-9_.-]{{0,40}}?(?:{_KEYWORD}))[\"'\]]?\s*(?::=|=>|=|:)\s*"
    r"(?P<q>[\"'`]?)(?P<val>[^\s\"'`,;)}\]]{6,200})(?P=q)")
_HEADER = LazyPattern(
    r"(?i)(?:proxy-)?authorization\s*[:=]\s*[\"']?(?:bearer|basic|token|bot)\s+"
    r"(?P<val>[A-Za-z0-9._~+/=-]{12,})|x-api-key\s*[:=]\s*[\"']?(?P<val2>[A-Za-z0-9._-]{16,})"
    r"|bearer\s+(?P<val3>[A-Za-z0-9._~+/=-]{20,})")
_PROSE_ASSIGN = LazyPattern(
    r"(?i)(?P<key>password|passphrase|passwd|pwd|api[ _-]?key|secret[ _-]?key|access[ _-]?key"
    r"|client[ _-]?secret|token|secret)\s+(?:is|was|reads|equals)\s+[\"'`]?"
    r"(?P<val>[^\s\"'`,;]{8,200})(?P<q>)")
_PROSE_QUOTED = LazyPattern(
    r"(?i)(?P<key>password|passphrase|passwd|pwd|api[ _-]?key|secret|token)\s+"
    r"(?:of\s+|as\s+|set to\s+)?"
    r"(?P<q>[`\"'])(?P<val>[^\s`\"']{6,200})(?P=q)")
_NETRC = LazyPattern(
    r"\bmachine\s+\S+\s+(?:login\s+\S+\s+)?(?P<key>password)\s+(?P<val>[^\s`\"']{6,200})(?P<q>)")
_CODE_REF = LazyPattern(
    r"^(?:os\.|env|getenv|process\.env|settings\.|config\.|cfg\.|self\.|request|args\.|"
    r"options\.|vault|secrets\.|keyring|Secret|None|null|true|false|undefined|input|prompt)|[()\[]")
_TOKEN = LazyPattern(r"[A-Za-z0-9+/_-]{8,}={0,2}")
_HEX = LazyPattern(r"[0-9a-fA-F]+")
_UUID = LazyPattern(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_SECRET_CONTEXT = LazyPattern(
    r"(?i)(?:key|secret|token|passw|pwd|credential|auth|bearer|api)[\w\"' -]{0,20}[=:]\s*"
    r"[\"'`]?\s*$")
_WORDY = LazyPattern(r"[A-Za-z]+|\d{1,4}")
_HASH_CONTEXT = LazyPattern(
    r"(?i)sha\d*|md5|digest|hash|checksum|commit|revision|\brev\b|integrity|fingerprint|etag"
    r"|\boid\b|\bblob\b|\bgit\b|object id|nonce|salt")


_TWO_DIGITS = LazyPattern(r"\d\D*\d")
_SEPARATED_WORDS = LazyPattern(r"(?:[A-Za-z]+|\d{1,4})(?:[_/.-]+(?:[A-Za-z]+|\d{1,4}))+[_/.-]*")


def _identifier_like(token: str) -> bool:
    """True for names and paths (snake_case, kebab-case, a/b/c) and runs with under two digits."""
    if not _TWO_DIGITS.search(token) or token.isdigit():
        return True
    return _SEPARATED_WORDS.fullmatch(token) is not None


_PATH_RUN = LazyPattern(r"[\w./-]+")
_PATH_SEGMENT = LazyPattern(r"[a-z][a-z0-9_.-]{2,}|\d[\d.-]*|[\w-]*\.[a-z][a-z0-9]{0,4}|")


def _path_like(run: re.Match[str] | None) -> bool:
    """True for a file path or URL path: most segments are words, numbers or file names."""
    if run is None:
        return False
    segments = run.group().split("/")
    wordy = sum(_PATH_SEGMENT.fullmatch(seg) is not None for seg in segments)
    return len(segments) >= 2 and wordy >= max(2, len(segments) - 1)


def _decodes_to_text(token: str) -> bool:
    raw = _b64decode(token.replace("+", "-").replace("/", "_").rstrip("="))
    if raw is None or len(raw) < 12:
        return False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    printable = sum(ch.isprintable() or ch in "\n\t" for ch in text)
    return printable >= 0.95 * len(text)


def _word_starts(text: str, low: str, stems: tuple[str, ...]) -> list[int]:
    """Start offsets of the identifiers in ``text`` that contain one of ``stems``."""
    starts: set[int] = set()
    for stem in stems:
        i = low.find(stem)
        while i != -1:
            j = i
            while j > 0 and i - j < 40 and (text[j - 1].isalnum() or text[j - 1] in "_.-"):
                j -= 1
            starts.add(j)
            i = low.find(stem, i + len(stem))
    return sorted(starts)


Found = tuple[str, str, str, Severity]  # label, secret, redacted, severity


class SecretsRule(BaseRule):
    """Blocks lessons that carry credentials; warns on test keys and unexplained random tokens."""

    name: ClassVar[str] = "secrets"
    defaults: ClassVar[dict[str, Any]] = {
        "entropy": True,  # report high-entropy tokens (warn, block with a key/secret context)
        "min_entropy_length": 20,
        # bits per character a 20-character token needs; longer tokens need more (see _entropy)
        "entropy_threshold": 3.6,
    }

    def configure(self) -> None:
        """Validate the options."""
        length, threshold = self.options["min_entropy_length"], self.options["entropy_threshold"]
        if not isinstance(length, int) or length < 8:
            raise ValueError("option 'min_entropy_length' must be an integer >= 8")
        if not isinstance(threshold, int | float) or not 1.0 <= threshold <= 6.0:
            raise ValueError("option 'entropy_threshold' must be a number from 1 to 6")
        self._threshold = float(threshold)
        self._min_len = length

    def check(self, lesson: Lesson, ctx: CheckContext) -> Iterator[Finding]:
        """Yield one finding per distinct secret found in any string of the lesson."""
        seen: set[tuple[str, str]] = set()
        for field in ctx.fields(lesson):
            visible = field.visible
            if len(visible) < 8:
                continue
            texts = [("", visible)]
            if not visible.isascii():
                texts.append(("", unicodedata.normalize("NFKC", visible)))
            if len(visible) >= 16:
                texts.extend((f"{enc}-decoded ", dec) for enc, dec in decode_embedded(visible))
            slug_field = field.pointer in ("/id", "/provenance/file") or field.pointer.startswith(
                "/supersedes/")  # slugs and the memory file's path guardian adds itself
            for prefix, text in texts:
                for label, secret, shown, severity in self.scan(text):
                    if slug_field and label == _LABELS["entropy"]:
                        continue  # schema-checked slugs: random-looking ids are not secrets
                    key = (field.pointer, secret)
                    if key in seen:
                        continue
                    seen.add(key)
                    yield self.finding(
                        field.pointer,
                        f"{label} found in {prefix}text ({shown}): {_FIX}.",
                        excerpt=shown, severity=severity)

    def scan(self, text: str) -> Iterator[Found]:
        """``(label, secret, redacted, severity)`` for every secret in ``text``."""
        if len(text) < 8:
            return
        covered: set[str] = set()
        tokens = sorted(text.split(), key=len)
        long_tokens = tokens[bisect_left(tokens, 16, key=len):]
        if not long_tokens and "PRIVATE KEY" not in text:
            joined = ""
        else:
            joined = " ".join(long_tokens)
            if any(head in joined for head in _INNER_HEADS):
                for token in long_tokens:
                    if _HEADS.search(token):
                        yield from self._prefixed(token, covered)
            for part in joined.translate(_DELIMITERS).split():
                if len(part) >= 16 and part.startswith(_PREFIXES):
                    yield from self._prefixed(part, covered)
            if "://" in joined and "@" in joined:
                for token in long_tokens:
                    if "://" in token and "@" in token:
                        yield from self._connections(token, covered)
        if "PRIVATE KEY" in text or "PuTTY-User-Key" in text:
            yield from self._key_blocks(text, covered)
        low = text.lower() if text.isascii() else ""
        if not low:  # lowercasing may shift offsets; search case-insensitively instead
            starts = sorted({m.start() for m in re.finditer(
                r"(?i)(?<![\w.-])[\w.-]{0,40}?(?:pass|pwd|secret|key|token|credential|auth|aws"
                r"|authorization|x-api-key)", text)})
        else:
            starts = _word_starts(text, low, _CONTEXT_STEMS) if any(
                stem in low for stem in _CONTEXT_STEMS) else []
        if starts:
            yield from self._context(text, starts, covered)
        if "machine" in text and "password" in text:
            for m in _NETRC.finditer(text):
                value = m.group("val")
                if any(value in c for c in covered):
                    continue
                covered.add(value)
                severity = _assignment_severity("password", value, quoted=False)
                if severity is not None:
                    label = f"{_LABELS['assignment']} (netrc password)"
                    yield label, value, redact(value), severity
        if self.options["entropy"] and joined:
            yield from self._entropy(text, joined, covered)

    def _prefixed(self, token: str, covered: set[str]) -> Iterator[Found]:
        for m in _COMBINED.finditer(token):
            name = m.lastgroup or ""
            value = m.groupdict().get(f"{name}_v") or m.group()
            covered.add(m.group())
            severity = _VALIDATORS[name](value, token[m.end():m.end() + 3])
            if severity is not None:
                yield _LABELS[name], value, redact(value), severity

    def _connections(self, token: str, covered: set[str]) -> Iterator[Found]:
        for m in _CONNECTION.finditer(token):
            password, user, host = m.group("pw"), m.group("user"), m.group("host")
            covered.add(m.group())
            severity = _connection(password, f"{user}\0{host}")
            if severity is not None:
                shown = f"{m.group()[:m.start('pw') - m.start()]}{redact(password)}@{host}"
                yield _LABELS["connection"], password, shown, severity

    def _key_blocks(self, text: str, covered: set[str]) -> Iterator[Found]:
        for m in _PEM.finditer(text):
            if _pem(m.group(), text[m.end():m.end() + 600]) is not None:
                covered.add(text[m.end():m.end() + 600])
                yield (_LABELS["private_key"], m.group() + str(m.start()),
                       f"{m.group().strip('-')[:24]}…", "block")
        for m in _PUTTY.finditer(text):
            yield _LABELS["putty"], m.group(), "PuTTY-User-Key-File…", "block"

    def _context(self, text: str, starts: list[int], covered: set[str]) -> Iterator[Found]:
        for start in starts:
            if text[start - 1:start] in (":", "/") and start:
                continue  # a segment of a URN or URL path ("urn:ietf:params:oauth:..."), not a key
            for pattern in (_AWS_SECRET, _HEADER, _ASSIGNMENT, _PROSE_ASSIGN, _PROSE_QUOTED):
                m = pattern.match(text, start)
                if m is None:
                    continue
                groups = m.groupdict()
                value = groups.get("val") or groups.get("val2") or groups.get("val3") or ""
                if any(value in c for c in covered):
                    break
                covered.add(value)
                if pattern is _AWS_SECRET:
                    severity = _aws_secret(value, "")
                    label = _LABELS["aws_secret"]
                elif pattern is _HEADER:
                    bare = groups.get("val3") is not None
                    severity = None if is_placeholder(value) or value.startswith("$") or entropy(
                        value) < (3.5 if bare else 3.0) or (bare and not _TWO_DIGITS.search(
                            value)) else "block"
                    label = _LABELS["header"]
                else:
                    severity = _assignment_severity(m.group("key").lower(), value,
                                                    quoted=bool(m.group("q")))
                    label = f"{_LABELS['assignment']} ({m.group('key')})"
                if severity is not None:
                    yield label, value, redact(value), severity
                break

    def _entropy(self, text: str, joined: str, covered: set[str]) -> Iterator[Found]:
        for token in _TOKEN.findall(joined):
            if (len(token) < self._min_len or _UUID.search(token) or _identifier_like(token)
                    or any(token in c or c in token for c in covered)):
                continue
            at = text.find(token)
            if text.startswith(("...", "…"), at + len(token)):
                continue  # "sk-ant-api03-abcd..." is a truncated example
            if "/" in token and _path_like(_PATH_RUN.match(text, at)):
                continue  # "data/metrics/2025-W10.json": a path, not a secret
            before = text[max(0, at - 40):at]
            if _HEX.fullmatch(token):
                if (_SECRET_CONTEXT.search(before) and not _HASH_CONTEXT.search(before)
                        and entropy(token) >= 3.0 and not is_placeholder(token)):
                    yield _LABELS["entropy"], token, redact(token), "block"
                continue
            # random base62 gains ~0.68 bit of entropy per doubling of length (measured)
            threshold = min(4.8, self._threshold + 0.68 * math.log2(len(token) / 20))
            if entropy(token) < threshold or is_placeholder(token) or _decodes_to_text(token):
                continue
            if _HASH_CONTEXT.search(before) and not _SECRET_CONTEXT.search(before):
                continue
            severity: Severity = "block" if _SECRET_CONTEXT.search(before) else "warn"
            yield _LABELS["entropy"], token, redact(token), severity


_NOT_SECRET_KEYS = LazyPattern(
    r"(?:^|[_.-])(?:max|num|n|min|count|total|type|kind|name|file|path|env|len|length|limit|id|"
    r"url|uri|endpoint|header|field|param|hash|format|prefix|budget|ttl|expir\w*)[_.-]")


def _assignment_severity(key: str, value: str, *, quoted: bool) -> Severity | None:
    if _NOT_SECRET_KEYS.search(key + "_") and not key.endswith(("password", "secret")):
        return None
    if key.endswith("tokens") or is_placeholder(value) or _CODE_REF.search(value):
        return None
    value = value.rstrip(".,;:!?)")  # prose punctuation is not part of the value
    if value.startswith(("/", "~", "./", "http", "$", "{", "<", "%", "#", "@", ":")):
        return None
    if re.fullmatch(r"[\d.]+|[A-Za-z_][A-Za-z_.]*", value) and not quoted:
        return None  # a number, or an identifier (a variable holding the secret)
    if re.fullmatch(r"[A-Za-z]+(?:[-_ ][A-Za-z]+)*", value):
        return None if len(value) < 10 else "warn"  # a word or a phrase
    if len(value) < 8 or entropy(value) < 2.5:
        return None
    classes = sum(bool(re.search(p, value)) for p in ("[A-Z]", "[a-z]", "[0-9]"))
    symbol = bool(re.search(r"[^A-Za-z0-9]", value))
    return "block" if classes >= 2 or (classes == 1 and symbol and re.search(
        r"\d", value)) else "warn"
