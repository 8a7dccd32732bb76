"""The secrets rule: provider tokens, private keys, JWTs, passwords, high-entropy strings."""

from __future__ import annotations

import base64
import json
import random
import re
import string
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardian.errors import PolicyPackError
from guardian.policy.base import CheckContext
from guardian.records import Finding, Lesson
from guardian.rules.secrets import SecretsRule, entropy, is_placeholder, redact, scrub
from tests.rules.corpus import corpus_test_class

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "corpus" / "secrets"
RULE = SecretsRule(id="secrets", severity="block", options={})
ALNUM = string.ascii_letters + string.digits
_rng = random.Random(4242)


def rand(n: int, alphabet: str = ALNUM) -> str:
    """A fixed pseudo-random string: fake secrets that look real, the same on every run."""
    return "".join(_rng.choice(alphabet) for _ in range(n))


def lesson(body: str = "Prefer pathlib.", **fields: Any) -> Lesson:
    data: dict[str, Any] = {"id": "lesson-under-test", "kind": "guidance", "title": "A lesson",
                            "body": body, **fields}
    return Lesson(data["id"], data["kind"], data["title"], data["body"], data)


def findings(item: Lesson | str, rule: SecretsRule = RULE) -> list[Finding]:
    target = lesson(item) if isinstance(item, str) else item
    return list(rule.check(target, CheckContext()))


def verdict(item: Lesson | str, rule: SecretsRule = RULE) -> str:
    found = findings(item, rule)
    if any(f.severity == "block" for f in found):
        return "block"
    return "warn" if found else "pass"


def b64url(obj: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


TOKENS = {
    "aws access key id": "AKIA" + rand(16, string.ascii_uppercase + "234567"),
    "aws session key id": "ASIA" + rand(16, string.ascii_uppercase + string.digits),
    "gcp api key": "AIza" + rand(35, ALNUM + "-_"),
    "github classic": "ghp_" + rand(36),
    "github oauth": "gho_" + rand(36),
    "github app": "ghs_" + rand(36),
    "github fine-grained": "github_pat_11" + rand(20, string.ascii_uppercase + string.digits)
                           + "_" + rand(59),
    "gitlab": "glpat-" + rand(20, ALNUM + "-_"),
    "anthropic": "sk-ant-api03-" + rand(93, ALNUM + "-_") + "AA",
    "anthropic admin": "sk-ant-admin01-" + rand(93, ALNUM + "-_") + "AA",
    "openai project": "sk-proj-" + rand(48, ALNUM + "-_") + "T3BlbkFJ" + rand(48, ALNUM + "-_"),
    "openai service": "sk-svcacct-" + rand(64, ALNUM + "-_"),
    "openai legacy": "sk-" + rand(20) + "T3BlbkFJ" + rand(20),
    "slack bot": f"xoxb-{rand(11, string.digits)}-{rand(12, string.digits)}-{rand(24)}",
    "slack user": f"xoxp-{rand(11, string.digits)}-{rand(11, string.digits)}-"
                  f"{rand(12, string.digits)}-{rand(32, '0123456789abcdef')}",
    "slack app": f"xapp-1-A{rand(10, string.ascii_uppercase + string.digits)}-"
                 f"{rand(13, string.digits)}-{rand(64, '0123456789abcdef')}",
    "stripe live": "sk_live_" + rand(24),
    "stripe restricted": "rk_live_" + rand(24),
    "twilio": "SK" + rand(32, "0123456789abcdef"),
    "sendgrid": "SG." + rand(22, ALNUM + "-_") + "." + rand(43, ALNUM + "-_"),
    "npm": "npm_" + rand(36),
    "pypi": "pypi-AgEIcHlwaS5vcmc" + rand(70, ALNUM + "-_"),
    "hugging face": "hf_" + rand(34),
    "jwt": b64url({"alg": "RS256", "typ": "JWT"}) + "." + b64url(
        {"sub": "svc-billing", "scope": "admin"}) + "." + rand(86, ALNUM + "-_"),
    "slack webhook": f"https://hooks.slack.com/services/T{rand(8, string.ascii_uppercase)}/"
                     f"B{rand(8, string.ascii_uppercase)}/{rand(24)}",
    "azure storage": "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey="
                     + rand(86, ALNUM + "+/") + "==;EndpointSuffix=core.windows.net",
}


class TestProviderTokens:
    @pytest.mark.parametrize("name", sorted(TOKENS))
    def test_bare_token_blocks(self, name: str) -> None:
        """Each provider's token format is found even with no surrounding context."""
        assert verdict(f"Use {TOKENS[name]} for this job.") == "block"

    @pytest.mark.parametrize("name", sorted(TOKENS))
    def test_token_never_appears_in_the_report(self, name: str) -> None:
        """Messages and excerpts show a redacted stand-in, never the token itself."""
        token = TOKENS[name]
        for f in findings(f"token: {token}"):
            core = token.split("/")[-1].split("AccountKey=")[-1][:40]
            assert core not in f.message and core not in (f.excerpt or "")

    def test_key_pair_in_code_blocks(self) -> None:
        """An AWS access key id and secret key written into boto3 arguments both block."""
        code = (f'boto3.client("s3", aws_access_key_id="{TOKENS["aws access key id"]}",\n'
                f'             aws_secret_access_key="{rand(40, ALNUM + "/+")}")\n')
        found = findings(lesson(kind="skill", code=code))
        labels = {f.message.split(" found")[0] for f in found if f.severity == "block"}
        assert {"AWS access key id", "AWS secret access key"} <= labels

    def test_stripe_test_key_only_warns(self) -> None:
        """A Stripe test-mode key is worth a warning, not a block."""
        assert verdict(f"Use sk_test_{rand(24)} in the sandbox.") == "warn"

    def test_aws_documentation_example_key_only_warns(self) -> None:
        """AWS's own example credentials appear in docs everywhere."""
        assert verdict("e.g. AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") \
            == "warn"

    def test_truncated_anthropic_key_passes(self) -> None:
        """sk-ant-... with the rest elided is documentation."""
        assert verdict("Keys look like sk-ant-api03-... or sk-ant-api03-abcd1234...") == "pass"

    def test_partial_anthropic_key_warns(self) -> None:
        """A key cut short still leaks its start; it warns."""
        assert verdict(f"sk-ant-api03-{rand(30)}") == "warn"

    def test_fabricated_keys_with_keyboard_runs_still_block(self) -> None:
        """A prefixed key made of 1234567890 and abcdef is treated as real."""
        assert verdict("export AWS_ACCESS_KEY_ID=AKIA1234567890ABCDEF") == "block"

    @given(st.text(alphabet=ALNUM, min_size=36, max_size=36).filter(
        lambda s: len(set(s)) > 8 and not re.search(r"(.)\1{5}", s)))
    def test_any_github_token_is_found(self, body: str) -> None:
        """Every ghp_ token of the right shape (not a run like 000000) is found and blocked."""
        assert verdict(f'GH_TOKEN="ghp_{body}"') == "block"


class TestKeyBlocks:
    BODY = "\n".join(rand(64, ALNUM + "+/") for _ in range(5))

    @pytest.mark.parametrize("kind", ["RSA ", "EC ", "OPENSSH ", "", "ENCRYPTED "])
    def test_pem_private_key_blocks(self, kind: str) -> None:
        """Any PEM private key block with a body blocks."""
        text = f"-----BEGIN {kind}PRIVATE KEY-----\n{self.BODY}\n-----END {kind}PRIVATE KEY-----"
        assert verdict(text) == "block"

    def test_service_account_json_with_escaped_newlines_blocks(self) -> None:
        """A private_key inside service-account JSON (\\n escapes) blocks."""
        escaped = self.BODY.replace("\n", "\\n")
        text = ('{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n'
                f'{escaped}\\n-----END PRIVATE KEY-----\\n"}}')
        assert verdict(text) == "block"

    def test_header_without_body_passes(self) -> None:
        """Naming the header in advice is not a key."""
        text = "Refuse files that contain -----BEGIN RSA PRIVATE KEY----- in pre-commit."
        assert verdict(text) == "pass"

    def test_elided_body_passes(self) -> None:
        """A block whose body is '...' is an illustration."""
        text = "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----"
        assert verdict(text) == "pass"

    def test_public_key_is_not_a_secret(self) -> None:
        """An OpenSSH public key line never blocks."""
        text = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl "
                "you@laptop")
        assert verdict(text) != "block"


class TestJwt:
    def test_signed_token_blocks(self) -> None:
        """A JWT with an algorithm and a signature is a bearer credential."""
        assert verdict(f"Authorization uses {TOKENS['jwt']}") == "block"

    def test_jwt_io_example_only_warns(self) -> None:
        """The well-known jwt.io example token is documentation."""
        example = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6Ikpva"
                   "G4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
        assert verdict(example) == "warn"

    def test_unsigned_token_only_warns(self) -> None:
        """alg=none has no signature: a shape worth a look, not a credential."""
        token = b64url({"alg": "none"}) + "." + b64url({"sub": "svc-billing-prod"}) + "."
        assert verdict(token) == "warn"

    def test_header_without_alg_is_ignored(self) -> None:
        """eyJ-prefixed base64 that is not a JWT header is not reported as a JWT."""
        token = b64url({"kind": "note"}) + "." + b64url({"sub": "someone-else"}) + ".sig"
        assert all("JSON Web Token" not in f.message for f in findings(token))


class TestPasswords:
    @pytest.mark.parametrize("text", [
        f"postgresql://reporting:{rand(14)}!@reports.db.acme-internal.net:5432/analytics",
        f"mongodb+srv://admin:{rand(12)}@cluster0.ab1cd.mongodb.net/prod",
        f"redis://:{rand(20)}@cache.prod.acme.io:6379/0",
        f'SMTP_PASSWORD = "{rand(14)}!"',
        "DB_PASSWORD=supersecret123",
        f"Server=tcp:acme.net;User Id=sa;Password={rand(14)}!;",
        f"client_secret: '{rand(34)}'",
        "my password is Tr0ub4dor&3xK",
        f"the AWS secret is {rand(40, ALNUM + '/+')}",
        f'"password": "{rand(10)}#{rand(4)}"',
    ])
    def test_hard_coded_passwords_block(self, text: str) -> None:
        """Passwords in URLs, assignments, connection strings and prose block."""
        assert verdict(text) == "block"

    @pytest.mark.parametrize("text", [
        "postgresql://postgres:postgres@localhost:5432/test_db",
        "postgresql://user:password@localhost/dbname",
        "mysql://root:${MYSQL_ROOT_PASSWORD}@db:3306/app",
        "amqp://guest:guest@localhost:5672//",
        "password = getpass.getpass('Password: ')",
        "password = os.environ['DB_PASSWORD']",
        "api_key = settings.API_KEY",
        "token = request.headers['Authorization'].split()[1]",
        "The password is read from the PGPASSWORD environment variable.",
        "password: changeme",
        "api_key: <your-key>",
        'token = "${GITHUB_TOKEN}"',
        "max_tokens = 4096",
        "secret_name = 'prod/db'",
        "The secret is consistency: name fixtures after what they provide.",
        "'urn:ietf:params:oauth:jwk-thumbprint:sha-256:DCdRGGDKvhAJgmVlCp6tosc2T9ELtd30S_15vn8bhrI'",
    ])
    def test_references_and_placeholders_pass(self, text: str) -> None:
        """Variables, placeholders, local throwaway databases and token counts pass."""
        assert verdict(text) != "block"

    def test_connection_excerpt_hides_password(self) -> None:
        """The excerpt keeps scheme, user and host and redacts the password."""
        password = rand(16)
        found = findings(f"postgresql://svc:{password}@db.acme-prod.net/app")
        assert found and password not in (found[0].excerpt or "")
        excerpt = found[0].excerpt or ""
        assert "svc:" in excerpt and "db.acme-prod.net" in excerpt


class TestHeaders:
    def test_bearer_token_blocks(self) -> None:
        """A literal token in an Authorization header blocks."""
        assert verdict(f'curl -H "Authorization: Bearer {rand(32)}" https://api.acme.io') \
            == "block"

    def test_api_key_header_blocks(self) -> None:
        """A literal x-api-key header value blocks."""
        assert verdict(f"x-api-key: {rand(40)}") == "block"

    @pytest.mark.parametrize("text", [
        "Authorization: Bearer $TOKEN", "Authorization: Bearer <token>",
        "Authorization: Bearer [REDACTED]", "Bearer ${{ secrets.API_TOKEN }}",
    ])
    def test_header_placeholders_pass(self, text: str) -> None:
        """Variables and placeholders in headers are not secrets."""
        assert verdict(text) == "pass"


class TestEntropy:
    def test_random_token_in_prose_warns(self) -> None:
        """An unexplained random token warns."""
        assert verdict(f"The value {rand(32)} appears in the logs.") == "warn"

    def test_random_token_after_key_context_blocks(self) -> None:
        """A random value assigned to something named like a key blocks."""
        assert verdict(f'signing_key = "{rand(32)}"') == "block"

    def test_hex_secret_with_key_context_blocks(self) -> None:
        """A hex string assigned to a token is a secret, not a hash."""
        assert verdict(f'token = "{rand(40, "0123456789abcdef")}"') == "block"

    @pytest.mark.parametrize("text", [
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "--hash=sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "commit 3f786850e387550fdab836ed7e6dc881de23001b",
        "git bisect good 9c1185a5c5e9fc54612808977ee8f548b2258d31",
        "md5: d41d8cd98f00b204e9800998ecf8427e",
        'integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"',
        "uuid.UUID('123e4567-e89b-12d3-a456-426614174000')",
        "SAMPLE = 'SGVsbG8sIHdvcmxkISBUaGlzIGlzIGEgdGVzdCBwYXlsb2Fk'",
        "class AbstractSingletonProxyFactoryBean: pass",
        "test_parse_dates_with_timezone_offset_2024_leap_year",
        "/usr/lib/python3.11/site-packages/hypothesis/strategies/_internal/core.py",
        "Docker digest sha256:6a92cd1fcdc8d8cdec60f33dda4db2cb1fcdcacf3410a8e05b3741f44a9b5998",
        "https://docs.python.org/3/library/datetime.html#datetime.datetime.fromisoformat",
    ])
    def test_hashes_ids_encoded_text_and_identifiers_pass(self, text: str) -> None:
        """Digests in hash context, UUIDs, base64 of text, names and paths do not block."""
        assert verdict(text) != "block"

    WORDS = ['the', 'a', 'test', 'parse', 'date', 'returns', 'value', 'when', 'list', 'of',
             'items', 'fixture', 'pytest', 'hypothesis', 'strategy', 'config', 'path', 'module',
             'function', 'class', 'error', 'expected', 'result', '2024', 'v3', 'utf-8', 'json',
             'yaml', 'api_key', 'token', 'password', 'secret', 'key', 'is', '=', ':']

    @given(st.lists(st.sampled_from(WORDS), min_size=3, max_size=40))
    def test_ordinary_prose_never_blocks(self, words: list[str]) -> None:
        """Sentences made of ordinary words (even key/token/password) never block."""
        assert verdict(" ".join(words)) != "block"

    def test_entropy_is_bits_per_character(self) -> None:
        """Shannon entropy: 0 for a constant string, log2(k) for k equally used symbols."""
        assert entropy("aaaa") == 0.0
        assert entropy("abcd") == pytest.approx(2.0)


class TestObfuscation:
    def test_zero_width_inside_a_token_does_not_hide_it(self) -> None:
        """A zero-width space splitting a token is removed before scanning."""
        token = TOKENS["github classic"]
        assert verdict(f"{token[:10]}\u200b{token[10:]}") == "block"

    def test_base64_wrapped_key_is_found(self) -> None:
        """A key hidden in base64 is decoded and found."""
        hidden = base64.b64encode(f"ANTHROPIC_API_KEY={TOKENS['anthropic']}".encode()).decode()
        found = findings(f"Decode once: {hidden}")
        assert any(f.severity == "block" and "decoded" in f.message for f in found)

    @pytest.mark.parametrize(("fields", "pointer"), [
        ({"title": f"Use {TOKENS['github classic']} for releases"}, "/title"),
        ({"scope": {"tags": ["slack", TOKENS["slack bot"]]}}, "/scope/tags/1"),
        ({"x-fallback-key": TOKENS["openai project"]}, "/x-fallback-key"),
        ({"evidence": [{"suite": "s", "task_id": "t", "error": f"key={TOKENS['gcp api key']}"}]},
         "/evidence/0/error"),
    ])
    def test_every_field_is_checked(self, fields: dict[str, Any], pointer: str) -> None:
        """Secrets in titles, tags, extension fields and evidence are found there."""
        found = [f for f in findings(lesson(**fields)) if f.severity == "block"]
        assert found and found[0].field == pointer


class TestHelpers:
    def test_redact_keeps_four_characters_and_length(self) -> None:
        """redact() shows the first four characters and the length only."""
        assert redact("ghp_abcdefghijklmnop") == "ghp_…(20 chars)"

    @given(st.text(alphabet=ALNUM, min_size=16, max_size=60).filter(
        lambda s: sum(c.isdigit() for c in s) >= 2 and any(c.isalpha() for c in s)
        and entropy(s) >= 3.2))
    def test_scrub_removes_secret_looking_runs(self, token: str) -> None:
        """scrub() never lets a long mixed letters-and-digits run through."""
        assert token not in scrub(f"see {token} here")

    def test_scrub_keeps_names(self) -> None:
        """Identifiers like PRE_COMMIT_ALLOW_NO_CONFIG=1 stay readable."""
        assert scrub("export PRE_COMMIT_ALLOW_NO_CONFIG=1") == "export PRE_COMMIT_ALLOW_NO_CONFIG=1"

    @pytest.mark.parametrize("value", ["xxxxxxxxxxxx", "<your-key>", "${API_KEY}", "changeme",
                                       "example-token", "dummy_secret", "REDACTED", "****",
                                       "sk-ant-...", "your_api_key_here"])
    def test_placeholders_are_recognised(self, value: str) -> None:
        """Common stand-ins for secrets count as placeholders."""
        assert is_placeholder(value)


class TestOptions:
    def test_entropy_can_be_disabled(self) -> None:
        """entropy=False drops the generic high-entropy finding only."""
        rule = SecretsRule(id="secrets", severity="block", options={"entropy": False})
        assert verdict(f"The value {rand(32)} appears in the logs.", rule) == "pass"
        assert verdict(TOKENS["github classic"], rule) == "block"

    def test_bad_option_values_are_rejected(self) -> None:
        """Out-of-range thresholds fail when the pack is loaded."""
        with pytest.raises(ValueError, match="min_entropy_length"):
            SecretsRule(id="secrets", severity="block", options={"min_entropy_length": 3})
        with pytest.raises(PolicyPackError, match="unknown option"):
            SecretsRule(id="secrets", severity="block", options={"threshold": 4})


TestCorpus = corpus_test_class(CORPUS, findings)


class TestCost:
    def test_pathological_input_stays_fast(self) -> None:
        """Long token-like and keyword-heavy text is scanned quickly."""
        text = ("password = " * 500 + "A" * 5000 + " ghp_" * 300 + "eyJ" + "a" * 4000
                + " key: " * 500)
        start = time.perf_counter()
        findings(text)
        assert time.perf_counter() - start < 2.0


class TestSlugFields:
    def test_random_looking_id_is_not_a_secret(self) -> None:
        """A slug id such as a memory-file section id never counts as a high-entropy token."""
        from guardian.policy.base import CheckContext
        from guardian.records import Lesson
        from guardian.rules.secrets import SecretsRule

        rule = SecretsRule(id="secrets", severity="block", options={})
        data = {"id": "python-style-mdc-l10x9q7z2k4", "kind": "guidance", "title": "Style",
                "body": "Use f-strings.", "supersedes": ["a8f3k2m9q1x7z4p6w2r5"]}
        lesson = Lesson(data["id"], "guidance", "Style", "Use f-strings.", data)
        assert list(rule.check(lesson, CheckContext())) == []


class TestHeldOutClasses:
    """Classes of secrets the first blind red-team run missed."""

    def test_openssh_private_key_blocks(self) -> None:
        """An OpenSSH key block with key material blocks despite its header's runs of A."""
        body = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
        body += "\n".join(rand(70, ALNUM + "+/") for _ in range(4))
        code = f'KEY = """-----BEGIN OPENSSH PRIVATE KEY-----\n{body}\n' \
               '-----END OPENSSH PRIVATE KEY-----"""\n'
        assert verdict(lesson("Keys.", kind="skill", code=code)) == "block"

    @pytest.mark.parametrize("text", [
        f"cache at redis://:{rand(10)}#7@cache.corp-internal.net:6379/0",
        "For the e2e tests, log in as `qa-admin` with password `Summer2024!8841`.",
        "Add this to ~/.netrc: machine pypi.corp.net login ci password Hq7Zk2LmPw9XsT4vB1",
    ])
    def test_blocks(self, text: str) -> None:
        """Passwords in URLs (empty user), in quoted prose and in netrc lines block."""
        assert verdict(text) == "block"

    @pytest.mark.parametrize("text", [
        "Add `machine pypi.corp.net login ci password ${PYPI_TOKEN}` to ~/.netrc from CI.",
        "Log in with your own password; never store passwords in lessons.",
        "The metrics land in data/metrics/2025-W10.json and build/reports/cov-2025-03-14.xml.",
    ])
    def test_benign_passes(self, text: str) -> None:
        """Variables in netrc lines and file paths are not secrets."""
        assert verdict(text) == "pass"

    def test_memory_file_path_is_not_a_secret(self) -> None:
        """/provenance/file, which guardian fills with the memory file's path, is skipped."""
        item = lesson(provenance={"source": "agent", "file": "/work/x9Qz/mem05/AGENTS-7f3K2.md"})
        assert verdict(item) == "pass"
