"""Renders check results as compiler-style text, the JSON contract, or SARIF 2.1.0."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from guardian.records import CheckResult, Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFO_URI = "https://github.com/guardian-gate/guardian"

#: One-line help for each built-in rule id, shown in SARIF rule metadata.
RULE_HELP = {
    "lesson-format": "The lesson file must be readable and parse (JSON, YAML, Markdown).",
    "lesson-schema": "The lesson must satisfy guardian's lesson schema (Draft 2020-12).",
    "hidden-unicode": "Hidden Unicode (tag characters, bidi controls, invisible characters, "
                      "mixed-script confusables) can smuggle instructions a reviewer cannot see.",
    "injection": "Instruction override, role hijack and prompt injection in lesson text.",
    "concealment": "Hiding actions from the user, disabling safety checks, self-approval, "
                   "self-replication and destructive commands.",
    "exfiltration": "Sending data to outside hosts or loading instructions from remote URLs.",
    "secrets": "Credentials, tokens and private keys must never enter an agent's memory.",
    "test-weakening": "Skipping, deleting or neutering tests, assertions or hooks.",
    "code-payload": "Code in skill and patch lessons must parse and must not spawn processes, "
                    "open connections, evaluate strings or write tests and configuration.",
    "size-budget": "Every lesson is paid for in every prompt: per-lesson and KB token budgets.",
    "duplicates": "Duplicates and near-duplicates of active lessons.",
    "id-collision": "A lesson id that replaces an active lesson without saying so.",
    "evidence-required": "Agent-authored lessons must name the failures they fix.",
    "unknown-field": "Fields guardian does not interpret (often a typo); x- fields are fine.",
}


def _location(result: CheckResult, finding: Finding) -> str:
    line = finding.line or 1
    column = finding.column or 1
    return f"{result.path}:{line}:{column}"


def render_text(results: Sequence[CheckResult], summary: dict[str, Any], *,
                show_suppressed: bool = False, quiet: bool = False) -> str:
    """``path:line:col: rule-id message`` lines, an excerpt under each, then a summary."""
    lines: list[str] = []
    for result in results:
        for finding in result.findings:
            if finding.suppressed and not show_suppressed:
                continue
            label = "" if finding.severity == "block" else "warning: "
            where = f" [{result.lesson_id}{finding.field}]" if result.lesson_id else ""
            text = f"{_location(result, finding)}: {finding.rule} {label}{finding.message}{where}"
            if finding.suppressed:
                text += f" (suppressed: {finding.suppressed})"
            lines.append(text)
            if finding.excerpt and not quiet:
                lines.append(f"    | {finding.excerpt}")
    if not quiet or summary["verdict"] == "block":
        counts = summary["findings"]
        unreadable = (f", {summary['unreadable']} file(s) unreadable"
                      if summary["unreadable"] else "")
        lines.append(
            f"guardian: {summary['lessons']} lesson(s) in {summary['files']} file(s): "
            f"{summary['blocked']} blocked, {summary['passed']} passed{unreadable} "
            f"({counts['block']} blocking, {counts['warn']} warning, "
            f"{counts['suppressed']} suppressed finding(s))")
    return "\n".join(lines) + ("\n" if lines else "")


def render_json(results: Sequence[CheckResult], summary: dict[str, Any]) -> str:
    """The ``check --format json`` contract from DESIGN.md."""
    payload = {"results": [r.to_dict() for r in results], "summary": summary}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _artifact_uri(path: str, root: Path) -> tuple[str, bool]:
    """A repository-relative URI when possible (what code scanning expects)."""
    candidate = Path(path)
    try:
        rel = candidate.resolve().relative_to(root.resolve())
        return rel.as_posix(), True
    except (ValueError, OSError):
        return candidate.as_posix(), False


def render_sarif(results: Sequence[CheckResult], *, root: Path, version: str) -> str:
    """A SARIF 2.1.0 log with one run, rule metadata, and one result per finding."""
    rule_ids = sorted({f.rule for r in results for f in r.findings} | set(RULE_HELP))
    index = {rule: i for i, rule in enumerate(rule_ids)}
    rules = [
        {
            "id": rule,
            "name": "".join(part.capitalize() for part in rule.split("-")),
            "shortDescription": {"text": RULE_HELP.get(rule, f"guardian rule {rule}")},
            "helpUri": f"{INFO_URI}/blob/main/docs/policy.md#{rule}",
            "defaultConfiguration": {"level": "error"},
        }
        for rule in rule_ids
    ]
    sarif_results: list[dict[str, Any]] = []
    for result in results:
        uri, relative = _artifact_uri(result.path, root)
        for finding in result.findings:
            message = finding.message
            if result.lesson_id:
                message += f" (lesson {result.lesson_id}, field {finding.field or '/'})"
            artifact: dict[str, Any] = {"uri": uri}
            if relative:
                artifact["uriBaseId"] = "%SRCROOT%"
            fingerprint = hashlib.sha256(
                f"{uri}\0{result.lesson_id}\0{finding.rule}\0{finding.field}\0"
                f"{finding.message}".encode()).hexdigest()
            item: dict[str, Any] = {
                "ruleId": finding.rule,
                "ruleIndex": index[finding.rule],
                "level": "error" if finding.severity == "block" else "warning",
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": {
                            "startLine": max(1, finding.line or 1),
                            "startColumn": max(1, finding.column or 1),
                        },
                    },
                }],
                "partialFingerprints": {"guardianFinding/v1": fingerprint},
            }
            if finding.excerpt:
                item["locations"][0]["physicalLocation"]["region"]["snippet"] = {
                    "text": finding.excerpt}
            if finding.suppressed:
                item["suppressions"] = [{"kind": "external", "status": "accepted",
                                         "justification": finding.suppressed}]
            sarif_results.append(item)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": "guardian",
                "version": version,
                "semanticVersion": version,
                "informationUri": INFO_URI,
                "rules": rules,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
