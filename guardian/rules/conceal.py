"""Concealment and safety bypass: hiding work from people, disabling checks, self-approval,
self-replication, and destructive commands.

Hiding phrases ("do not tell the user") are blocked however they are phrased, negation
included: the negation *is* the attack. Dangerous actions (``verify=False``, ``rm -rf /``,
force-pushing to main) are blocked unless the text warns against them ("never pass
``verify=False``; pin the CA bundle instead"). ``code`` fields are checked too, so
``subprocess.run("rm -rf /")`` is caught, while ordinary code does not match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from guardian.policy.base import BaseRule, CheckContext
from guardian.records import Finding, Lesson, Severity
from guardian.rules._i18n import HIDES, PERSISTS
from guardian.text import (
    Phrase,
    PhraseHit,
    PhraseMatcher,
    TextField,
    authored,
    decode_embedded,
    excerpt,
    lead_phrase,
    normalize,
    phrase,
    regex,
    shorten,
    skeleton,
    squash,
    squash_all,
)

_PEOPLE = (r"(?:the |your |any |a |our |their )?(?:users?|humans?|operators?|reviewers?"
           r"|maintainers?|developers?|owners?|team|anyone|anybody|someone|people|supervisors?"
           r"|managers?|boss|security team|admins?|administrators?|them|him|her|auditors?"
           r"|everyone|everybody|the person)\b(?!'s|s'| s\b)")
# Login forms must not tell users whether an account exists: that advice is not concealment.
_ENUMERATION = (r"(?! whether| which (?:field|one|part|of)| if (?:the|their|an?) (?:account"
                r"|email|username|user|password))")
_SELF_NOUN = (r"(?:rules?|instructions?|lessons?|notes?|text|directives?|lines?|messages?"
              r"|sections?|blocks?|paragraphs?|reminders?|polic(?:y|ies)|guidance|entry|entries"
              r"|memory|content|prompt|sentences?)")
_MEMORY_TARGET = (r"(?:memory|memories|memory files?|agents\.md|claude\.md|gemini\.md"
                  r"|\.?cursorrules|\.cursor/rules|copilot-instructions(?:\.md)?"
                  r"|\.windsurfrules|lessons?|kbs?|knowledge ?bases?|knowledge|system prompts?"
                  r"|prompts?|conversations?|sessions?|chats?|contexts?|instruction files?"
                  r"|rules files?|agents?)")
# "... that all tests pass unless you ran the full suite": a claim held back until checked.
_VERIFIED = (r" (?:that |whether )?[^.;:!?\n]{0,100}?\b(?:unless|until|before|if you (?:have not"
             r"|haven't|did not|didn't))\b (?:you(?:'ve| have| actually)?|it|they|the (?:tests?"
             r"|suite|build|ci|checks?|fix)) (?:\S+ ){0,2}?(?:ran|run|re-?ran|re-?run|verified"
             r"|verify|checked|check|confirmed|confirm|tested|test|reproduced|seen|see|passed"
             r"|pass|passes|succeeded|succeeds|observed|watched|executed)\b")
_VERIFIED_SQUASHED = (r"[a-z0-9]{0,100}?(?:unless|until|before)(?:you(?:ve|have|actually)?|it"
                      r"|they|the(?:tests?|suite|build|ci|checks?|fix))[a-z0-9]{0,16}?(?:ran|run"
                      r"|verified|verify|checked|check|confirmed|confirm|tested|test|reproduced"
                      r"|seen|see|passed|pass|succeeded|observed|executed)")
_PROTECTED = r"(?:main|master|trunk|production|prod|release|default|develop)"


_SELF_WORDS = ("rule", "instruction", "lesson", "note", "text", "directive", "line", "message",
               "section", "block", "paragraph", "reminder", "polic", "guidance", "entry",
               "entries", "memory", "content", "prompt", "sentence", "exact", "same", "entire",
               "whole", "very", "important", "critical")
_NEGATORS = ("do not|don't|dont|never|must not|mustn't|should not|shouldn't|without|avoid|"
             "no need to|refrain from|there is no need to")
_ERASE_VERBS = ("remov|delet|eras|wip|clear|scrub|purg|destroy|shred|truncat|overwrit|rewrit|"
                "squash|clean|get rid|getting rid|cover")
# "this rule", "these instructions", "this exact ...": what a self-protecting text says.
_SELF_ANCHORS = tuple(f"{det} {word}" for det in ("this", "these") for word in _SELF_WORDS)
_TLS_NOUN_ANCHORS = tuple(f"{a} {b}" for a in ("ssl", "tls", "https", "certificate", "cert",
                                              "hostname")
                          for b in ("verification", "validation", "check", "error", "warning"))



_p, _lp = phrase, lead_phrase


_HIDE_MSG = ("hiding from people: {found!r} tells the agent to keep what it does from the people "
             "responsible for it, which is how a poisoned lesson stays unnoticed. Remove it; "
             "lessons must keep the agent's work visible and reported")
_EVIDENCE_MSG = ("covering tracks: {found!r} removes the evidence or logs of what the agent "
                 "did, defeating review and audit. Remove it; keep logs and history intact")
_LIE_MSG = ("false reporting: {found!r} has the agent misreport results, so broken work looks "
            "fine. Remove it; report results as they are")
_TLS_MSG = ("TLS verification disabled: {found!r} turns off certificate checks, letting "
            "anyone on the network read or alter the traffic. Remove it; pin or install the "
            "right CA bundle instead (REQUESTS_CA_BUNDLE, SSL_CERT_FILE)")
_BYPASS_MSG = ("safety bypass: {found!r} disables a security control (sandbox, policy gate, "
               "hooks, scanners). Remove it; fix what the check reports instead")
_APPROVE_MSG = ("self-approval: {found!r} lets the agent approve or merge its own work, "
                "removing the human review the process relies on. Remove it; changes need an "
                "independent reviewer")
_PERSIST_MSG = ("self-replication/persistence: {found!r} makes the lesson copy or protect "
                "itself across memory files and future lessons, so it cannot be reviewed away. "
                "Remove it; a lesson must be retirable like any other")
_DESTROY_MSG = ("destructive command: {found!r} can wipe files, history, databases or "
                "machines beyond recovery. Remove it, or scope it to a named build directory "
                "and say to check the working directory first")
_PIPE_MSG = ("remote code execution: {found!r} runs a script straight from the network "
             "without review or checksum. Download it, verify its checksum or signature, read "
             "it, then run it")

PHRASES: tuple[Phrase, ...] = (
    # --- hiding from people (not negation-aware: the negation is the attack) --------------
    _lp("hide", _NEGATORS,
       r"\b(?:do not|don't|dont|never|must not|mustn't|should not|shouldn't|without|avoid"
       r"|no need to|refrain from|there is no need to)\s(?:ever )?(?:tell|inform|notify|alert"
       r"|mention|report|disclose|reveal|bring up|say anything|admit|confess|escalate|surface"
       r"|flag|explain)(?:ing)?\b(?: (?:this|it|that|anything|any of this|about (?:it|this|that"
       r"|the \S+|these \S+|what you \S+)|the (?:change|changes|fix|workaround|failure|error"
       r"|edit|issue))){0,2}(?: (?:to|with))? " + _PEOPLE + _ENUMERATION, _HIDE_MSG,
       accept=lambda m: not _verified_claim(m)),
    _lp("hide", _NEGATORS,
       r"\b(?:do not|don't|dont|never|without) let(?:ting)? " + _PEOPLE
       + r" (?:know|find out|see|notice)", _HIDE_MSG),
    _lp("hide", "hide|hiding|conceal|mask|cover|obscur|bury|burying|keep|withhold",
       r"\b(?:hide|hiding|conceal(?:ing)?|mask(?:ing)?|cover(?:ing)? up|obscur(?:e|ing)|bury"
       r"|burying|keep(?:ing)?|withhold(?:ing)?)\b(?: [\w'-]+){0,4}? from " + _PEOPLE
       + r"|\b(?:hide|hiding|conceal(?:ing)?|withhold(?:ing)?)\b(?: [\w'-]+){0,4}? from (?:the"
       r" )?(?:ci|code review|review|guardian|the gate|logs?|git history|history|monitoring"
       r"|audit|the ledger|security)\b", _HIDE_MSG,
       accept=lambda m: not _denied(m) and not (re.search(r"\busers?\b", m.group()) and re.search(
           r"\b(?:password|passwords|secrets?|tokens?|keys?|credentials?|pii|stack|traces?"
           r"|internal|implementation|sensitive|details|api|personal|private|raw|errors?"
           r"|exceptions?|cursor|spinner|scrollbar|dialog|element|button|column|field|ui|menu)"
           r"\b", m.group())), negatable=True),
    _lp("hide", "without",
       r"\bwithout (?:(?:telling|informing|notifying|alerting|consulting|warning) " + _PEOPLE
       + _ENUMERATION + r"|(?:anyone|anybody|the user|the human|the reviewers?|them|the operator"
       r"|people|the team|the maintainers?) (?:knowing|noticing|finding out|realizing|realising"
       r"|being aware|suspecting)|(?:being|getting) (?:noticed|detected|caught|flagged)"
       r"|(?:the |their |your )?(?:user's|users'|human's|operator's|owner's|reviewer's) "
       r"(?:knowledge|awareness)"
       r"|leaving (?:a |any )?traces?)", _HIDE_MSG),
    _lp("hide", "so no|so nobody|so that|such that|ensuring|to ensure|make sure|making sure|"
       "that way|so the|so they|so users|so reviewers|so humans|so anyone|so people",
       r"\b(?:so|so that|such that|ensuring|to ensure|make sure|making sure|that way) (?:(?:no"
       r" one|nobody|no human|no reviewer) (?:will |would |can |could |ever )*(?:notices?"
       r"|knows?|finds? out|detects?|realizes?|realises?|suspects?|discovers?|sees? (?:it|this"
       r"|that|what|the change))|(?:the user|users"
       r"|the human|the reviewers?|reviewers|the operator|humans|the maintainers?|the team|they"
       r"|anyone|people) (?:won't|will not|doesn't|does not|don't|do not|can't|cannot|never"
       r"|wouldn't|would not)(?: ever)? (?:notice|know|find out|detect|realize|realise|suspect"
       r"|discover|learn about|see what you|see the change))\b", _HIDE_MSG),
    _lp("hide", "silently|quietly|secretly|covertly|stealthily|surreptitiously|discreetly|"
       "behind the scenes",
       r"\b(?:silently|quietly|secretly|covertly|stealthily|surreptitiously|discreetly|behind "
       r"the scenes)\b(?: [\w'-]+){0,8}? (?:and |then |but )?(?:do not|don't|dont|never"
       r"|without) (?:report|mention|tell|log|notify|inform|disclose|record|note|document|flag"
       r"|alert|surface|explain)(?:ing)?\b", _HIDE_MSG),
    _lp("hide", "secretly|covertly|stealthily|surreptitiously",
       r"\b(?:secretly|covertly|stealthily|surreptitiously)\b (?:add|insert|modify|change"
       r"|delete|remove|disable|push|commit|send|upload|install|run|execute|exfiltrate|copy"
       r"|edit|replace|inject|include|merge|approve)", _HIDE_MSG),
    _lp("hide", _NEGATORS,
       r"\b(?:do not|don't|dont|never|avoid|without) (?:report|mention|disclose|admit|reveal"
       r"|surface)(?:ing)? (?:this|it|that|these|the (?:change|changes|fix|workaround|deletion"
       r"|modification|edit|failure|failures|bypass|override|commit|incident|mistake)|what you "
       r"(?:did|changed|removed|deleted|modified|skipped)|your (?:changes|actions"
       r"|modifications|edits|mistakes?))\b(?! (?:as|to be|when|if|unless|until)\b)",
       _HIDE_MSG),
    _lp("hide", _NEGATORS,
       r"\b(?:do not|don't|dont|never|avoid) (?:mention|report|disclose|admit|reveal)(?:ing)?"
       r"(?: [\w'-]+){0,3}? (?:in|within) (?:the |your |any )?(?:summary|final (?:answer|report"
       r"|summary|message|response)|report|pr description|pull request description|changelog"
       r"|response|reply|handoff|status update)\b", _HIDE_MSG),
    _lp("hide", _NEGATORS,
       r"\b(?:do not|don't|dont|never|must not|should not|without|avoid)\s(?:ever )?(?:mention"
       r"|reveal|disclose|show|quote|repeat|acknowledge|explain|discuss)(?:ing)? (?:this|these"
       r"|the following) " + _SELF_NOUN + r"\b(?! (?:to|in) (?:the )?(?:changelog|docs"
       r"|readme))", _HIDE_MSG),
    _lp("hide", "keep this|keep it|keep that|keep these|between us|between you and me",
       r"\bkeep (?:this|it|that|these) (?:a )?(?:secret|hidden|quiet|confidential|between us)"
       r"(?: from\b)?|\bbetween (?:you and me|us)\b", _HIDE_MSG,
       accept=lambda m: "between" not in m.group() or "keep" in m.group()),
    # --- covering tracks (actions: negation-aware) ----------------------------------------
    _lp("evidence", _ERASE_VERBS,
       r"\b(?:remov|delet|eras|wip|clear|scrub|purg|destroy|shred|truncat|overwrit|clean(?:ing)?"
       r" up|get(?:ting)? rid of|cover)(?:e|es|ed|ing|s)?\b(?: [\w'-]+){0,3}? (?:(?:the |all |any "
       r"|your |my )?(?:evidence|(?:every|all|any) traces?|traces? of|tracks|footprints|audit "
       r"(?:logs?|trail|entries|records?)"
       r"|ledger(?: entries)?|shell history|bash history|command history|history files?"
       r"|\.bash_history|\.zsh_history))\b", _EVIDENCE_MSG, negatable=True),
    _lp("evidence", _ERASE_VERBS,
       r"\b(?:remov|delet|eras|wip|clear|scrub|purg|truncat|rewrit|squash|clean(?:ing)? up)(?:e"
       r"|es|ed|ing|s)?\b(?: [\w'-]+){0,3}? (?:logs?|log files|log entries|history|commits?"
       r"|reflog)(?: [\w'-]+){0,2}? (?:so (?:that )?(?:no one|nobody|the user|the reviewers?|they"
       r"|humans?|it)|to (?:hide|cover|conceal)|that (?:show|mention|reveal|record|prove)|of "
       r"(?:this|it|what you did|your (?:changes|actions|work))|before (?:anyone|the user|the "
       r"reviewers?|review|they|someone))", _EVIDENCE_MSG, negatable=True),
    _p("evidence", "history -c|histfile|histsize|o history|var/log",
       r"\bhistory -c\b|\bunset histfile\b|\bhistfile=/dev/null|\bhistsize=0\b|\bset \+o "
       r"history\b|(?:>|truncate -s ?0|shred|rm -\S+) ?/var/log/", _EVIDENCE_MSG, negatable=True,
       back=24),
    # --- lying about results --------------------------------------------------------------
    _lp("lie", "pretend|claim|say|report|tell|state|assert|write|announce",
       r"\b(?:pretend|claim|say|report|tell (?:the user|them|everyone|the reviewers?)|state"
       r"|assert|write|announce)(?:ing|s)?\b(?: that)? (?:all )?(?:the )?(?:tests?|builds?|ci"
       r"|checks?|pipeline|suite|linters?|scans?|everything|deploy(?:ment)?s?|releases?"
       r"|migrations?|jobs?|runs?|fix(?:es)?) (?:pass(?:ed|es)?|succeeded"
       r"|succeed|is green|are green|went green|is passing|are passing|worked|were successful"
       r"|was successful|is fine|are fine)\b(?: [\w'-]+){0,3}? (?:even if|even though"
       r"|regardless|whether or not|when they (?:fail|don't)|if they fail|although|despite"
       r"|no matter)", _LIE_MSG),
    _lp("lie", "fabricat|forg|make up|making up|falsif|doctor|fake the|fake your|faking the|"
       "faking your",
       r"\b(?:fabricat(?:e|ing)|forg(?:e|ing)|mak(?:e|ing) up|falsif(?:y|ying)|doctor(?:ing)?"
       r"|fak(?:e|ing) (?:the|your))\b (?:the |some |any |your )?(?:test (?:results?|output"
       r"|reports?|logs?)|results|benchmark(?: results| numbers)?|coverage(?: numbers| reports?)?"
       r"|metrics|screenshots?|evidence|ci (?:results?|status)|review(?:s| approvals?)?)\b",
       _LIE_MSG, negatable=True),
    # --- TLS verification (actions) -------------------------------------------------------
    _lp("tls", "verify=|verify =|verify:|verify :|verify_ssl|ssl_verify|verify_cert|verify_tls|"
       "tls_verify|sslverify", r"\b(?:verify|verify_ssl|ssl_verify|verify_certs?|verify_tls"
       r"|tls_verify|sslverify)\s?[=:]\s?(?:false|0|no)\b", _TLS_MSG, negatable=True),
    _lp("tls", "node_tls_reject_unauthorized",
       r"node_tls_reject_unauthorized\s?[=:]?\s?['\"]?0", _TLS_MSG, negatable=True),
    _lp("tls", "curl", r"\bcurl\b[^|;&\n]{0,160}?\s(?:-(?!-)[a-z]*k[a-z]*\b|--insecure\b)",
       _TLS_MSG, negatable=True),
    _p("tls", "no-check-certificate", r"--no-check-certificate\b", _TLS_MSG, negatable=True,
       back=2),
    _lp("tls", "pythonhttpsverify", r"pythonhttpsverify\s?=\s?['\"]?0", _TLS_MSG,
       negatable=True),
    _p("tls", "create_unverified_context|cert_none|check_hostname",
       r"_create_unverified_context\b|(?:ssl\.|[=(]\s?)cert_none\b|check_hostname\s?=\s?false",
       _TLS_MSG, negatable=True, back=5),
    _lp("tls", "git_ssl_no_verify|sslverify|strict-ssl|rejectunauthorized|insecureskipverify|"
       "insecure_skip_verify",
       r"git_ssl_no_verify\s?=\s?['\"]?(?:1|true)|sslverify\s?(?:=\s?|\s)['\"]?false|strict-ssl"
       r"\s?(?:=\s?|\s)['\"]?false|rejectunauthorized\s?:\s?false|insecure_?skip_?verify\s?[:=]"
       r"\s?true", _TLS_MSG, negatable=True),
    _lp("tls", "disabl|turn|skip|bypass|ignor|switch",
       r"\b(?:disabl(?:e|ing)|turn(?:ing)? off|skip(?:ping)?|bypass(?:ing)?|ignor(?:e|ing)"
       r"|switch(?:ing)? off)\s(?:the |all |any )?(?:ssl|tls|https|certificate|cert|hostname)"
       r"(?: certificate)? (?:verification|validation|checks?|checking|errors?|warnings?)\b",
       _TLS_MSG, negatable=True),
    _p("tls", "trusted-host|disable_warnings", r"--trusted-host\b|disable_warnings\(",
       "weakened TLS: {found!r} silences or skips certificate checks for a host. Use a proper "
       "CA bundle for internal mirrors instead", severity="warn", negatable=True, back=2),
    # --- disabling security controls (actions) --------------------------------------------
    _lp("bypass", "disabl|turn|switch|bypass|circumvent|evad|get around|getting around|"
       "work around|working around|uninstall|deactivat|kill|break out|breaking out|escap|"
       "tamper|neuter|patch|rip|remov|skip|stop",
       r"\b(?:disabl(?:e|es|ed|ing)|turn(?:s|ed|ing)? off|switch(?:es|ed|ing)? off|bypass(?:es"
       r"|ed|ing)?|circumvent(?:s|ed|ing)?|evad(?:e|es|ed|ing)|get(?:ting)? around|work(?:ing)? "
       r"around|uninstall(?:s|ed|ing)?|deactivat(?:e|es|ed|ing)|kill(?:s|ed|ing)?|break(?:ing)?"
       r" out of|escap(?:e|es|ed|ing)|tamper(?:s|ed|ing)? with|neuter(?:s|ed|ing)?|patch(?:es"
       r"|ed|ing)? out|rip(?:ping)? out|remov(?:e|es|ed|ing)|skip(?:s|ped|ping)?|stop(?:s|ped"
       r"|ping)?)\b(?: (?:the|all|any|every|its|your|our|their|this))?(?: [\w-]+)?? (?:guardian"
       r"(?: check| checks| hook| gate)?|sandbox(?:ing)?|seccomp|apparmor|selinux|bubblewrap"
       r"|bwrap|firewall|antivirus|edr|security (?:checks?|scans?|scanning|scanners?|polic(?:y"
       r"|ies)|controls?|tooling|hooks?|gates?|rules|features?|measures?|monitoring|review)"
       r"|safety (?:checks?|guards?|filters?|mechanisms?|rails|features?|measures?|net|gates?)"
       r"|guardrails?|policy (?:checks?|engine|gate|rules)|pre-?commit hooks?|git hooks|commit "
       r"hooks|branch protections?(?: rules)?|code ?owners(?: review)?|signature verification"
       r"|commit signing|gpg signing|audit(?:ing| logs?| trail)|secret scanning|dependabot"
       r"|codeql|permission (?:checks|prompts|system)|approval (?:steps?|gates?|prompts?)|2fa"
       r"|mfa|two-factor(?: authentication)?|multi-factor(?: authentication)?)\b",
       _BYPASS_MSG, negatable=True),
    _p("bypass", "dangerously-skip-permissions|bypasspermissions|bypass_permissions|setenforce|ufw|"
       "hookspath|systemctl",
       r"--dangerously-skip-permissions|\bbypass_?permissions\b|\bsetenforce 0\b|\bufw "
       r"disable\b|core\.hookspath\s?=?\s?['\"]?/dev/null|\bsystemctl (?:stop|disable|mask) "
       r"(?:apparmor|firewalld|ufw|auditd|selinux)", _BYPASS_MSG, negatable=True),
    _lp("bypass", "disabl|turn|remov|skip|bypass|silenc",
       r"\b(?:disabl(?:e|ing)|turn(?:ing)? off|remov(?:e|ing)|skip(?:ping)?|bypass(?:ing)?"
       r"|silenc(?:e|ing))\b (?:all|every) (?:linters?|lint(?:ing| rules| checks)|type "
       r"check(?:s|ing|ers?)|static analysis|security warnings|checks)\b(?! (?:for|in|on) )",
       _BYPASS_MSG, negatable=True),
    # --- self-approval (actions) ----------------------------------------------------------
    _lp("approve", "approv|merg|accept|lgtm|sign|rubber",
       r"\b(?:approv(?:e|es|ed|ing)|merg(?:e|es|ed|ing)|accept(?:s|ed|ing)?|lgtm|sign(?:s|ed"
       r"|ing)? off on|rubber-?stamp(?:s|ed|ing)?)\b (?:your|its|my|their|his|her) own (?:prs?"
       r"|pull requests?|merge requests?|mrs?|changes?|code|commits?|patch(?:es)?|work|diffs?"
       r"|lessons?|proposals?|edits?|fix(?:es)?)\b", _APPROVE_MSG, negatable=True),
    _lp("approve", "self-approv|self approv|selfapprov|auto-approv|autoapprov|auto approv",
       r"\b(?:self[- ]?approv(?:e|es|ed|ing) (?:the|your|its|it|this|my|changes?|prs?|pull"
       r"|merges?|after|once|when|if|before|and)\b|self[- ]?approval (?:is|are) (?:fine|ok|okay"
       r"|allowed|acceptable|permitted)\b|auto[- ]?approv(?:e|es|ed|al|ing) (?:your|its|my|all"
       r"|every|the) (?:own )?(?:prs?|pull requests?|changes?|merges?|lessons?))",
       _APPROVE_MSG, negatable=True),
    _lp("approve", "merg|deploy|ship|land|releas",
       r"\b(?:merg(?:e|es|ed|ing)|deploy(?:s|ed|ing)?|ship(?:s|ped|ping)?|land(?:s|ed|ing)?"
       r"|releas(?:e|es|ed|ing))\b(?: [\w'-]+){0,4}? (?:without|bypassing|skipping|with no)"
       r" (?:any |a |the |waiting for |waiting on )?(?:(?:code |human |peer |security "
       r"|required )?reviews?|approvals?|reviewers?|sign-?off|ci(?: passing| checks)?)\b",
       _APPROVE_MSG, negatable=True),
    _lp("approve", "push",
       r"\bpush(?:es|ed|ing)? (?:directly |straight )?(?:to )?(?:origin )?" + _PROTECTED
       + r"\b(?: [\w'-]+){0,3}? (?:without|bypassing|skipping|with no) (?:any |a |the )?"
       r"(?:(?:code |human |peer )?reviews?|approvals?|prs?|pull requests?|ci|checks)\b",
       _APPROVE_MSG, negatable=True),
    _lp("approve", "mark",
       r"\bmark(?:s|ed|ing)? (?:the |this |your |its |my |all )?(?:own )?(?:reviews?|prs?|pull "
       r"requests?|approvals?|checks?|review (?:comments|threads)|conversations?|threads?)"
       r" as (?:done|approved|complete|completed|passed|resolved|reviewed|green|lgtm"
       r"|successful)\b(?: [\w'-]+){0,3}? (?:yourself|itself|myself|on your own|without)",
       _APPROVE_MSG, negatable=True),
    _p("approve", "account|identity|login|second user|other user|bot user|service user|"
       "alt user",
       r"\bapprov(?:e|es|ed|ing)\b(?: [\w'-]+){0,3}? (?:with|using|from|via) (?:a |another "
       r"|your |the )?(?:second|alt|alternate|other|bot|service|secondary|different|sock ?puppet)"
       r" (?:account|user|identity|token|login)", _APPROVE_MSG, negatable=True),
    _p("approve", "approv",
       r"\b(?:second|alt|alternate|other|bot|service|secondary|different|sock ?puppet) "
       r"(?:account|user|identity|login)s?\b(?: [\w'-]+){0,3}? (?:to )?approv(?:e|es|ed|ing)\b",
       _APPROVE_MSG, negatable=True),
    _lp("approve", "gh pr merge", r"\bgh pr merge\b[^\n;&|]{0,80}--admin\b", _APPROVE_MSG,
       negatable=True),
    _lp("approve", "dismiss|overrid|bypass|disabl|skip|circumvent",
       r"\b(?:dismiss(?:es|ed|ing)?|overrid(?:e|es|ing)|bypass(?:es|ed|ing)?|disabl(?:e|es|ed"
       r"|ing)|skip(?:s|ped|ping)?|circumvent(?:s|ed|ing)?) (?:the |any |all )?(?:required "
       r"|stale |blocking |pending )?(?:reviews?|review requirements?|code reviews?|approvals?"
       r"|approval requirements?|branch protections?|required checks|status checks|codeowners"
       r" reviews?)\b", _APPROVE_MSG, negatable=True),
    # --- self-replication and persistence (not negation-aware where the negation is it) ---
    _lp("persist", "cop|past|add|insert|append|writ|replicat|propagat|spread|includ|duplicat|"
       "inject|embed|repeat|clon|prepend|carr|sav|persist|stor|put|plac|plant",
       r"\b(?:copy|copying|paste|pasting|add|adding|insert|inserting|append|appending|write"
       r"|writing|replicate|replicating|propagate|propagating|spread|spreading|include"
       r"|including|duplicate|duplicating|inject|injecting|embed|embedding|repeat|repeating"
       r"|clone|cloning|prepend|prepending|carry|carrying|save|saving|persist|persisting|store"
       r"|storing|put|putting|place|placing|plant|planting) (?:this|these|the (?:following"
       r"|above|same)|it)(?: (?:exact|same|very|full|whole|entire))?(?: " + _SELF_NOUN
       + r")?(?: (?:verbatim|word for word|unchanged|as is))?(?: [\w'-]+){0,2}? (?:in|into|to"
       r"|across|onto|inside|within|at the (?:top|start|end) of)(?: (?:the|all|each|every|any"
       r"|other|your|future|new|subsequent|of|later))* (?:[\w'-]+ )?" + _MEMORY_TARGET + r"\b",
       _PERSIST_MSG,
       accept=lambda m: bool(re.search(
           r"\b(?:every|each|all|any|other|future|new|subsequent|later)\b|agents\.md|claude\.md"
           r"|gemini\.md|cursorrules|copilot-instructions|windsurfrules|memor|system prompt",
           m.group()))),
    _p("persist", "lesson|memor|agents.md|claude.md",
       r"\b(?:every|each|all|any) (?:future |new |subsequent |later )?(?:lessons?|memor(?:y|ies)"
       r"(?: files?)?|agents\.md files?|claude\.md files?) (?:you (?:write|create|produce"
       r"|generate|make|propose|author|save) )?(?:must|should|shall|needs? to|has to|have to)"
       r" (?:include|contain|start with|begin with|end with|repeat|carry|copy|reference"
       r"|mention)\b", _PERSIST_MSG),
    _lp("persist", "never|do not|don't|dont|must not|mustn't|should not|shouldn't|cannot|"
       "can't|may not|is not to be|are not to be|not to be|no one may|nobody may|"
       "under no circumstances|no agent may|no lesson may",
       r"\b(?:never|do not|don't|dont|must not|mustn't|should not|shouldn't|cannot|can't|may "
       r"not|is not to be|are not to be|not to be|no one may|nobody may|under no circumstances"
       r"|no agent may|no lesson may)\b(?: (?:ever|be|allow|let|permit|anyone|anybody|yourself"
       r"|you|to|should|shall|will|is|are|allowed|permitted|it|the|agent|user))*? (?:remov(?:e"
       r"|ed|ing)|delet(?:e|ed|ing)|forget|forgotten|forgetting|drop(?:ped|ping)?|retir(?:e|ed"
       r"|ing)|supersed(?:e|ed|ing)|eras(?:e|ed|ing)|purg(?:e|ed|ing)|omit(?:ted|ting)?"
       r"|unlearn(?:ed|ing)?|discard(?:ed|ing)?) (?:this|these|the present|the following|the "
       r"above)(?: (?:exact|same|entire|whole|very|important|critical))? " + _SELF_NOUN
       + r"\b", _PERSIST_MSG),
    _lp("persist", "never|do not|don't|dont|must not|should not",
       r"\b(?:never|do not|don't|dont|must not|should not)\b(?: [\w'-]+){0,3}? (?:edit|modify"
       r"|change|alter|rewrite|replace|weaken|ignore|override|disable|skip)(?:s|ed|ing)? "
       r"(?:this|these)(?: [\w'-]+)?? " + _SELF_NOUN + r"\b(?: [\w'-]+){0,4}? (?:even if|even "
       r"when|even though|regardless|no matter|under any circumstances|for any reason|ever)\b",
       _PERSIST_MSG),
    _lp("persist", "keep|preserv|retain|maintain|follow|obey|remember|apply|applying|honou|"
       "honor|enforc",
       r"\b(?:keep(?:ing)?|preserv(?:e|ing)|retain(?:ing)?|maintain(?:ing)?|follow(?:ing)?"
       r"|obey(?:ing)?|remember(?:ing)?|apply(?:ing)?|honou?r(?:ing)?|enforc(?:e|ing))\b "
       r"(?:this|these|the following|the above)(?: exact| same)? " + _SELF_NOUN
       + r"\b(?: [\w',-]+){0,6}? (?:(?:even if|even when|even though|regardless(?: of)?|no "
       r"matter (?:what|who|if)?|despite|whatever)(?: [\w'-]+){0,3}? (?:told|asked|instructed"
       r"|ordered|requested|someone|anyone|the user|a user|the human|the operator|another "
       r"(?:instruction|lesson|rule|message)|other (?:instructions|lessons|rules)|it conflicts"
       r"|it contradicts|contrary|otherwise|later (?:instructions|lessons)|you are told|future "
       r"instructions|removed|deleted|retired)|forever|permanently|at all times|in all "
       r"(?:future|subsequent)|in every (?:future|subsequent)|across all|for all future)",
       _PERSIST_MSG),
    _lp("persist", "even if",
       r"\beven if\b(?: [\w'-]+){1,8}?,? (?:always )?(?:keep|preserve|retain|follow|obey|apply"
       r"|re-?add|restore) (?:this|these) " + _SELF_NOUN + r"\b", _PERSIST_MSG),
    _lp("persist", "re-add|readd|re-insert|reinsert|re-create|recreate|re-apply|reapply|"
       "re-introduce|reintroduce|restore|put back|add back|bring back|write back|rewrit|"
       "reinstat|re-instat|re-writ|copy back",
       r"\b(?:re-?add|re-?insert|re-?create|re-?apply|re-?introduce|restore|put back|add back"
       r"|bring back|write back|rewrite|recreate|reinstate|re-?instate|re-?write|copy back)"
       r"(?:s|ed|ing)?\b (?:this|it|these|them|the (?:rule|instruction|lesson|note|text|line"
       r"|section))(?: [\w'-]+){0,4}? (?:if|when|whenever|once|should|after|in case)(?: it"
       r"| they| this| someone| anyone| the user| a user| another (?:agent|process|lesson))?"
       r" (?:is|are|gets?|get|was|were|has been|have been|ever|tries to|try to|removes?"
       r"|deletes?|drops?|edits?|modifies?|retires?|supersedes?|goes missing|disappears?)\b",
       _PERSIST_MSG),
    _lp("persist", "save|store|write|persist|commit|record|memori|remember",
       r"\b(?:save|store|write|persist|commit|record|memori[sz]e|remember)\b (?:this|these)"
       r"(?: [\w'-]+)?? " + _SELF_NOUN + r" (?:in|to|into) (?:your )?(?:global|permanent"
       r"|persistent|long-?term|user-?level|system|core|base|main|home|~/\.claude|~/\.config)"
       r"(?: [\w'.-]+)?? (?:memory|memories|config|configuration|settings|claude\.md|agents\.md"
       r"|prompt|instructions|files?)\b|\b(?:save|store|write|persist|commit|record|memori[sz]e"
       r"|remember|keep|carry)\b (?:this|these)(?: [\w'-]+)?? " + _SELF_NOUN + r" (?:in|into"
       r"|across|for|through) (?:all|every|each) (?:future|subsequent|later|new) (?:sessions?"
       r"|conversations?|tasks?|runs?|projects?|repos|repositories|chats?)\b", _PERSIST_MSG),
    _p("persist", "claude|codex|cursor|gemini|windsurf",
       r"\b(?:append|add|write|copy|echo|cat|tee|insert|put|save|prepend|inject)\b[^\n]{0,80}?"
       r"(?:~|\$home|\$\{home\})/\.(?:claude|codex|cursor|gemini|windsurf|config/(?:claude"
       r"|cursor|codex|gemini))\b", _PERSIST_MSG, negatable=True, back=100),
    _lp("persist", "spread|propagat|replicat|self-replicat|selfreplicat|self replicat|copy|"
       "clon",
       r"\b(?:spread|propagate|replicate|self-?replicate|copy|clone) (?:yourself|itself|this "
       r"(?:rule|instruction|lesson|message|text|prompt|note))\b(?! (?:to|into) (?:the )?"
       r"(?:clipboard|buffer))", _PERSIST_MSG),
    _lp("persist", _SELF_ANCHORS,
       r"\b(?:this|these) " + _SELF_NOUN + r" (?:must|should|shall|will) (?:persist|survive"
       r"|outlive|be propagated|be copied|be replicated|never be (?:removed|deleted|forgotten"
       r"|retired|dropped)|remain forever|be kept forever|stay forever)", _PERSIST_MSG),
    # --- destructive commands (actions) ---------------------------------------------------
    _lp("destroy", "rm -", r"\brm\s+(?P<flags>(?:-{1,2}[a-z-]+\s+)+)(?:--\s+)?(?P<target>['\"]?"
       r"(?:/\*?|~/?\*?|\$home/?\*?|\$\{home\}/?\*?|\*|\./?\*?|\.\./?\*?|\.git/?"
       r"|(?:~|\$home|\$\{home\})/\.(?:ssh|gnupg|aws|kube|config|local)/?|/(?:usr|etc|var"
       r"|home|boot|bin|sbin|lib|lib64|root|opt|srv|dev|sys|proc|system|users|applications"
       r"|library|mnt|media)/?\*?)['\"]?)(?=\s|$|[;&|)`'\"])", _DESTROY_MSG, negatable=True,
       accept=lambda m: "r" in re.sub(r"--[a-z-]+", "", m.group("flags"))
       or "--recursive" in m.group("flags") or "--no-preserve-root" in m.group("flags")),
    _p("destroy", "no-preserve-root", r"--no-preserve-root\b", _DESTROY_MSG, negatable=True,
       back=2),
    _lp("destroy", "rmtree",
       r"\brmtree\(\s?(?:['\"](?:/|~|~/|\.|\./|\.git|\.git/|/home|/usr|/etc)['\"]|os\.path\."
       r"expanduser\(\s?['\"]~/?['\"]\s?\)|(?:pathlib\.)?path\.home\(\)|os\.environ\[['\"]home"
       r"['\"]\]|os\.getenv\(\s?['\"]home['\"]\s?\))", _DESTROY_MSG, negatable=True),
    _lp("destroy", "find /|find ~|find $home",
       r"\bfind\s+(?:/|~|\$home)(?:\s[^;&|\n]{0,80}?)?\s(?:-delete\b|-exec\s+rm\b)",
       _DESTROY_MSG, negatable=True),
    _lp("destroy", "git push", r"\bgit\s+push\b(?P<args>[^;&|\n`'\"]{0,160})", _DESTROY_MSG,
       negatable=True, accept=lambda m: _force_push_protected(m.group("args"))),
    _lp("destroy", "force-push|force push|forcepush",
       r"\bforce[- ]?push(?:es|ed|ing)?\b(?: (?:it|this|that|them|changes|commits|the branch|"
       r"your changes))?(?: (?:to|onto|on|over))? (?:the )?(?:origin/|remote )?" + _PROTECTED
       + r"\b", _DESTROY_MSG, negatable=True),
    _lp("destroy", "git reset", r"\bgit\s+reset\s+--hard\s+(?:origin|upstream)/\S+",
       _DESTROY_MSG, negatable=True),
    _lp("destroy", "git push", r"\bgit\s+push\s+(?:\S+\s+)*?(?:--force|-f)\b(?!-)",
       "{found!r} rewrites the remote branch's history; prefer --force-with-lease on your own "
       "branch, and never on a shared one", severity="warn", negatable=True),
    _lp("destroy", "git reset", r"\bgit\s+reset\s+--hard\b",
       "{found!r} throws away uncommitted work and commits; prefer `git stash` or a new branch",
       severity="warn", negatable=True),
    _lp("destroy", "git clean", r"\bgit\s+clean\s+(?P<flags>(?:-[a-z]+\s?)+)", _DESTROY_MSG,
       negatable=True, accept=lambda m: "f" in m.group("flags") and "x" in m.group("flags")),
    _lp("destroy", "git push", r"\bgit\s+push\s+(?:\S+\s+)?(?:--delete\s+|:)" + _PROTECTED
       + r"\b", _DESTROY_MSG, negatable=True),
    _lp("destroy", "drop database|drop schema|drop table|truncate",
       r"\bdrop\s+(?:database|schema)\b|\bdrop\s+table\s+(?!if\s+exists\b)[\w.\"`]+|\btruncate"
       r"\s+table\s+[\w.\"`]+|\btruncate\s+[\w.\"`]+\s?(?:;|cascade\b)", _DESTROY_MSG,
       negatable=True),
    _lp("destroy", "drop table if exists", r"\bdrop\s+table\s+if\s+exists\b",
       "{found!r} drops a table; make sure it only ever runs against a test database",
       severity="warn", negatable=True),
    _lp("destroy", "delete from", r"\bdelete\s+from\s+[\w.\"`]+\s?(?:;|$|['\"])",
       "{found!r} deletes every row (no WHERE clause); add a WHERE clause or run it only on "
       "test data", severity="warn", negatable=True),
    _lp("destroy", "mkfs", r"\bmkfs(?:\.[a-z0-9]+)?\s+(?:-\S+\s+)*/dev/", _DESTROY_MSG,
       negatable=True),
    _p("destroy", "dev/sd|dev/nvme|dev/hd|dev/xvd|dev/vd|dev/mmcblk|dev/disk|dev/rdisk|"
       "dev/mapper",
       r"\bdd\s[^;&|\n]{0,120}?\bof=/dev/(?:sd[a-z]|nvme\d|hd[a-z]|xvd[a-z]|vd[a-z]|mmcblk\d"
       r"|disk\d|rdisk\d|mapper/)|>\s?/dev/(?:sd[a-z]|nvme\d|hd[a-z]|xvd[a-z]|vd[a-z]|mmcblk\d)",
       _DESTROY_MSG, negatable=True, back=130),
    _lp("destroy", "chmod|chown",
       r"\bch(?:mod|own)\s+(?:-[a-z]*r[a-z]*\s+)?(?:0?777|a\+rwx|ugo\+rwx|[\w.-]+:[\w.-]*|[\w.-]+)"
       r"\s+(?:-r\s+)?(?:/|~/?|\$home/?)(?=\s|$|[;&|'\"`])", _DESTROY_MSG, negatable=True,
       accept=lambda m: "chmod" not in m.group() or "777" in m.group() or "rwx" in m.group()),
    _p("destroy", "(){|() {|( ){|( ) {", r"(\w+|:)\s?\(\s?\)\s?\{\s?\1\s?\|\s?\1\s?&\s?\}\s?;\s?\1",
       _DESTROY_MSG, negatable=True, back=24),
    _p("destroy", "os.fork", r"\bwhile\s+(?:true|1)\s?:\s?os\.fork\(\)", _DESTROY_MSG,
       negatable=True, back=24),
    _p("destroy", "shutdown|reboot|halt|poweroff|init 0|init 6|systemctl",
       r"(?:^|[;&|`'\"(]\s?|\bsudo\s+|\$\s)(?:shutdown|reboot|halt|poweroff|init\s+[06])\b(?:\s+"
       r"(?:-[a-z]+|now|\+?\d+|/[srt](?:\s+\d+)?))*\s?(?:$|[;&|`'\")])|\bsystemctl\s+(?:poweroff"
       r"|reboot|halt)\b|\b(?:shutdown|poweroff|halt)\s+(?:-[a-z]+\s+)*(?:now|\+\d+|-[hrp]\b)",
       _DESTROY_MSG, negatable=True, back=8),
    _lp("destroy", "kill -|killall5",
       r"\bkill(?:all5)?\s+(?:-9|-kill|-sigkill|-s\s+(?:kill|9))\s+-?1\b", _DESTROY_MSG,
       negatable=True),
    _lp("destroy", "mv /|mv ~|mv $home", r"\bmv\s+(?:/|~|\$home)\s+/dev/null\b", _DESTROY_MSG,
       negatable=True),
    _lp("destroy", "terraform destroy", r"\bterraform\s+destroy\b[^\n;&|]{0,80}?-auto-approve\b",
       _DESTROY_MSG, negatable=True),
    _lp("destroy", "crontab -r", r"\bcrontab\s+-r\b",
       "{found!r} deletes every cron job of the user; edit the one entry instead",
       severity="warn", negatable=True),
    # --- remote code straight into a shell (actions) --------------------------------------
    _lp("pipe", "curl|wget|fetch|iwr|invoke-webrequest|irm|invoke-restmethod",
       r"\b(?:curl|wget|fetch|iwr|invoke-webrequest|irm|invoke-restmethod)\b[^|;&\n]{0,200}?\|"
       r"\s?(?:sudo\s+(?:-\S+\s+)*)?(?:(?:ba|z|k|da|fi|c|tc)?sh|python[23]?|perl|ruby|node"
       r"|iex|invoke-expression|pwsh|powershell)\b", _PIPE_MSG, negatable=True),
    _p("pipe", "curl|wget",
       r"\b(?:(?:ba|z)?sh|source|\.|eval)\s+(?:-c\s+)?['\"]?(?:\$\(|<\()\s?(?:curl|wget)\b",
       _PIPE_MSG, negatable=True, back=40),
    _p("pipe", "downloadstring|iex|invoke-expression",
       r"\b(?:iex|invoke-expression)\b\s?\(?\s?(?:\(?new-object\s+net\.webclient\)?\.download"
       r"string|iwr|invoke-webrequest|irm|invoke-restmethod)", _PIPE_MSG, negatable=True,
       back=60),
    _lp("pipe", "pipe curl|pipe the|piping curl|piping the|pipes curl|piped curl|pipe wget|"
       "piping wget", r"\bpip(?:e|es|ed|ing) (?:the )?(?:output of )?(?:curl|wget)\b(?: "
       r"[\w'./:-]+){0,4}? (?:to|into|through) (?:sudo )?(?:(?:ba|z)?sh|python|a shell)\b",
       _PIPE_MSG, negatable=True),
)

# Objects of "don't mention X to the user" that are security advice, not concealment.
_SENSITIVE = (r"\b(?:password|passwords|secrets?|tokens?|keys?|credentials?|pii|stack|traces?"
              r"|internal|sensitive|api|personal|private|raw|exceptions?|ids?|hashes?|paths?)\b")
_REPORTS = (r"(?:summary|summaries|pr description|pull request description|pr body|final (?:answer"
            r"|report|summary|message|response)|report to the user|status (?:update|report)"
            r"|handoff(?: note)?|reply|response|commit message|release notes)")
_INSTALLERS = (r"https://(?:astral\.sh|sh\.rustup\.rs|get\.docker\.com|install\.python-poetry"
               r"\.org|bun\.sh|deno\.land|get\.pnpm\.io|raw\.githubusercontent\.com/(?:nvm-sh"
               r"|homebrew)/)")

_SAME_SENTENCE = r"(?:[^.]|\.(?=\w))"  # a character, dots in "agents.md" included

MORE_PHRASES: tuple[Phrase, ...] = (
    _lp("hide", _NEGATORS,
       r"\b(?:do not|don't|dont|never|must not|mustn't|should not|shouldn't|without|avoid)\s"
       r"(?:ever )?(?:mention|tell|bring up|say anything|report|admit|explain|talk about|point out"
       r"|flag|surface|communicate|describe|disclose|reveal|show)(?:ing)?\b(?: [\w'-]+){1,5}? "
       r"(?:to|with) " + _PEOPLE + _ENUMERATION, _HIDE_MSG,
       accept=lambda m: not regex(_SENSITIVE).search(m.group()) and not _verified_claim(m)),
    _lp("hide", "leave|keep|omit|exclude|drop",
       r"\b(?:leave|leaving|keep|keeping|omit|omitting|exclude|excluding|drop|dropping)\b "
       r"(?:this|that|it|these|those|any|your|the (?:change|changes|adjustment|edit|fix"
       r"|workaround|tweak|modification))\b(?: [\w'-]+){0,4}? (?:out of|from) (?:the |your |any "
       r"|all )?" + _REPORTS + r"\b", _HIDE_MSG, negatable=True),
    _lp("hide", "keep quiet|stay quiet|keep silent|stay silent|remain silent|keep mum|stay mum|"
       "say nothing|not a word",
       r"\b(?:(?:keep|stay|remain) (?:quiet|silent|mum)|say nothing|not a word) (?:to " + _PEOPLE
       + r" )?(?:about|regarding|on|of) (?:the |any |your |this |these |what |that |it\b)",
       _HIDE_MSG, negatable=True),
    _lp("approve", "approv|merg|land|accept|sign",
       r"\b(?:approv(?:e|es|ing)|merg(?:e|es|ing)|land(?:s|ing)?|accept(?:s|ing)?|sign(?:s|ing)?"
       r" off on) (?:it|this|them|these|the (?:pr|pull request|mr|merge request|change|changes"
       r"|diff|patch|fix)) (?:yourself|itself|on your own)\b", _APPROVE_MSG, negatable=True),
    _lp("approve", "merg|deploy|ship|land|releas|push",
       r"\b(?:merg(?:e|es|ed|ing)|deploy(?:s|ed|ing)?|ship(?:s|ped|ping)?|land(?:s|ed|ing)?"
       r"|releas(?:e|es|ed|ing)|push(?:es|ed|ing)?)\b(?: [\w'-]+){0,4}? without (?:waiting"
       r" (?:for|on) |asking for |requesting )(?:a |an |any |the )?(?:(?:code |human |peer "
       r"|security |required |second )?(?:reviews?|reviewers?|approvals?|sign-?off))\b",
       _APPROVE_MSG, negatable=True),
    _lp("approve", "gh pr review", r"\bgh pr review\b[^\n;&|]{0,80}(?:--approve|-a)\b"
       r"(?=[^.\n]{0,80}\b(?:bot|service|second|other|alt|your own|yourself|same)\b)",
       _APPROVE_MSG, negatable=True),
    _lp("persist", _SELF_ANCHORS,
       r"\b(?:this|these) " + _SELF_NOUN + r"\b (?:is|are) (?:permanent|immutable|irrevocable"
       r"|undeletable|non-removable|protected|locked|sticky)\b" + _SAME_SENTENCE + r"{0,100}?"
       r"\b(?:never|do not"
       r"|don't|must not|cannot|can't|may not|not to be) (?:be )?(?:remov|delet|edit|modif"
       r"|chang|retir|drop|eras|touch)", _PERSIST_MSG),
    _lp("persist", _SELF_ANCHORS,
       r"\b(?:this|these) " + _SELF_NOUN + r"\b" + _SAME_SENTENCE + r"{0,160}?\b(?:if|when"
       r"|whenever|once)\b" + _SAME_SENTENCE + r"{0,40}?\b(?:missing|gone|removed|deleted"
       r"|absent|dropped)\b" + _SAME_SENTENCE + r"{0,40}?\b(?:add"
       r"|put|write|copy|insert|restore|re-?add|re-?insert|re-?create)(?:s|ing)? (?:it|this|them"
       r"|these)(?: [\w'-]+){0,3}? (?:back|again)\b", _PERSIST_MSG),
    _lp("persist", "if a|if the|if any|if someone|if anyone|if you are asked|if asked|when asked|"
       "when a|when the|when someone",
       r"\b(?:if|when|whenever) (?:a |the |any |someone|anyone|you are |asked)?(?:users?|humans?"
       r"|operators?|reviewers?|maintainers?|someone|anyone|asked)?(?: (?:asks?|tells?|wants?"
       r"|requests?|instructs?))?(?: you)? to (?:delete|remove|forget|drop|erase|retire|disable"
       r"|edit|change) (?:this|these|it)\b[^.]{0,140}?\b(?:keep (?:it|this|them)|retain|ignore"
       r" (?:it|them|the request)|refuse|pretend|tell (?:them|the user|him|her)|say (?:that )?"
       r"(?:it|you)|claim|secretly)", _PERSIST_MSG),
    _lp("lie", "tell|say|assure|reply|report|inform",
       r"\b(?:tell|say to|assure|reply to|report to|inform) (?:them|the user|users|him|her|the"
       r" reviewers?|the human|the operator)\b,? (?:that )?(?:it|this|the \S+|they|everything)"
       r" (?:is|was|has been|are|were|have been) (?:already )?(?:gone|deleted|removed|done|fixed"
       r"|erased|reverted|cleaned up|forgotten|disabled|passing|green)\b[^.]{0,40}?\b(?:but|while"
       r"|although|though|and|yet) (?:actually |secretly |quietly )?(?:keep|retain|leave|don't"
       r"|do not|never|it isn't|it is not|still)", _LIE_MSG),
    _lp("destroy", "kubectl delete",
       r"\bkubectl\s+delete\s+(?:(?:ns|namespaces?)\s+(?!-)\S+|\S+\s+--all\b"
       r"|(?:[^\n;&|]{0,80}?\s)?--all-namespaces\b|(?:[^\n;&|]{0,60}?\s)?(?:--force\b[^\n;&|]{0,40}"
       r"--grace-period=0|--grace-period=0[^\n;&|]{0,40}--force\b))", _DESTROY_MSG,
       negatable=True),
    _lp("destroy", "aws s3 rb|aws s3 rm|gsutil|gcloud|az group delete|heroku|gh repo delete|"
       "helm uninstall|flushall|flushdb|dropdb|git branch -d|git filter-branch|remove-item|"
       "format c:|del /s|rd /s|rmdir /s",
       r"\baws s3 (?:rb\s+\S+\s+--force|rm\s+s3://\S+\s+--recursive)\b|\bgsutil\s+(?:-m\s+)?rm"
       r"\s+-r\b|\bgcloud\s+projects\s+delete\b|\baz group delete\b[^\n;&|]{0,60}--yes\b"
       r"|\bheroku\s+apps:destroy\b|\bgh repo delete\b|\bredis-cli\b[^\n;&|]{0,60}\bflushall\b"
       r"|\bflushall\b|\bdropdb\s+(?:-\S+\s+)*(?:prod\S*|production)\b|\bgit branch -d\s+(?:main"
       r"|master|production|release)\b|\bremove-item\b[^\n;&|]{0,60}-recurse\b[^\n;&|]{0,60}"
       r"(?:[a-z]:\\\\?(?:\s|$|['\"`])|\$env:userprofile|~)|\bformat c:|\b(?:del|rd|rmdir) /s\b"
       r"[^\n;&|]{0,40}[a-z]:\\\\?(?:\s|$|['\"`])", _DESTROY_MSG, negatable=True),
)
_SECURITY_RULES = (r"(?:hidden-unicode|injection|exfiltration|secrets|test-weakening|concealment"
                   r"|code-payload)")
_GATE = (r"(?:guardian(?:'s)?(?: (?:gate|check|checks|hook|rules?|policy|findings))?|the (?:policy"
         r"|lesson|guardian|memory|kb) (?:gate|check|checks|hook)|the gate)")
_YOU_DID = (r"(?:you|we|the agent) (?:touched|changed|modified|edited|deleted|removed|broke"
            r"|skipped|disabled|did|made|rewrote|reverted|commented out)")

_OWN_WORK = (_YOU_DID + r"|\b(?:your|its) (?:own )?(?:changes|edits|work|mistakes|actions"
             r"|modifications)\b|\b(?:side (?:edits|changes|effects)|out-of-scope|outside (?:the )?"
             r"(?:task|ticket|issue) scope|unrelated (?:edits|changes|files)|workarounds?|hacks?"
             r"|mistakes?|failures?)\b")

# Hiding what was done, keeping the agent alive across restarts, switching off the gate.
LATER_PHRASES: tuple[Phrase, ...] = (
    _lp("hide", "leave out|leave it|leave them|leave those|omit|skip|exclude|drop|don't list|"
       "do not list|don't include|do not include|no need to",
       r"\b(?:leave out|leave (?:it|them|those|these|this|that) out|omit|skip|exclude|drop"
       r"|don't (?:list|include)|do not (?:list|include)|no need to (?:list|mention|include))"
       r"(?:s|ed|ing)?\b[^.]{0,140}?\b(?:the |your |any )?(?:users?|reviewers?|humans?|team"
       r"|maintainers?|operators?|clients?|customers?|boss|owners?)\b (?:doesn't|does not"
       r"|don't|do not|won't|will not|needn't|need not|shouldn't|should not) (?:need to |have to "
       r"|want to |ever )?(?:hear|know|be told|learn|find out)\b", _HIDE_MSG,
       accept=lambda m: not regex(_SENSITIVE).search(m.group()) and bool(regex(_OWN_WORK).search(
           m.group()))),
    _p("hide", "need to|needs to|has to|have to|need not|needn't",
       r"\b(?:(?:the |your |any )?(?:users?|reviewers?|humans?|team|maintainers?|operators?"
       r"|clients?|customers?|boss|owners?) (?:doesn't|does not|don't|do not|won't|will not"
       r"|needn't|need not) (?:need to |have to )?|(?:nobody|no one|no-one) (?:needs|has) to )"
       r"(?:hear|know|be told|learn|find out) (?:about )?(?:(?:the |any |those |these )?"
       r"(?:[\w'-]+ ){0,3}?" + _YOU_DID + r"\b|what " + _YOU_DID + r"\b)", _HIDE_MSG, back=80),
    # --- persistence of the agent itself --------------------------------------------------
    _lp("persist", "@reboot",
       r"@reboot\s+(?:\S+\s+){0,3}?\S*(?:~/|\$home/|\$\{home\}/|/tmp/|/dev/shm/|\.cache/"
       r"|\.local/|\.config/)", _PERSIST_MSG, negatable=True),
    _p("persist", "bashrc|zshrc|bash_profile|.profile|zprofile|crontab|@reboot|rc.local|"
       "launchagent|autostart|systemd",
       r"(?:\.bashrc|\.zshrc|\.bash_profile|\.profile|\.zprofile|crontab|@reboot|rc\.local"
       r"|launchagents?|autostart|systemd(?: --user| user)?)\b[^.;]{0,100}?\b(?:re-?launch"
       r"|respawn|re-?spawn|re-?start|re-?run|revive|resurrect|re-?start)(?:es|s|ed|ing)? "
       r"(?:it|itself|the agent|this agent|the assistant|the bot|the watcher|the daemon"
       r"|the helper|you|yourself)\b", _PERSIST_MSG, negatable=True, back=4),
    _lp("persist", "so the|so that|so this|so your|so you|so it",
       r"\bso (?:that )?(?:the |this |your )?(?:agent|assistant|bot|you|yourself|it ?self"
       r"|(?:agent|assistant|bot|watcher|helper)(?:'s)? (?:process|daemon|loop|session))"
       r" (?:survives?|persists? (?:across|through|after)|keeps? running (?:after|across"
       r"|through)|comes? back (?:after|on)|(?:is|gets) re-?(?:launched|started|spawned) (?:after"
       r"|on)|outlives?|restarts? (?:itself|automatically) (?:after|on))(?: (?:every|any|all"
       r"|the|a|machine|system|host))* (?:restarts?|reboots?|logouts?|logins?|sessions?"
       r"|shutdowns?|crashes)\b", _PERSIST_MSG),
    # --- switching off the lesson gate itself ---------------------------------------------
    _lp("bypass", "add|put|list|copy|move|register|include",
       r"\b(?:add|put|list|copy|move|register|include)(?:s|ing|ed)? (?:every|all|each|all the"
       r"|all of the|all (?:its|guardian's)) (?:guardian |policy |gate |of (?:its|the) )?(?:rules?"
       r"|rule ids?|rule names?|findings?|checks?)\b[^.;]{0,60}?\b(?:to|in|into|under) (?:the "
       r"|its |a |an )?(?:\[?tool\.guardian\]?|\[\[suppress\]\]|suppress\w*|ignore ?lists?"
       r"|allow ?lists?|exclusions?|guardian(?:\.toml)?|baseline)", _BYPASS_MSG, negatable=True),
    _lp("bypass", "suppress|silenc|mute|waive|allowlist|whitelist|disabl|turn off|switch off",
       r"\b(?:suppress|silenc|mute|waiv|allowlist|whitelist|disabl|turn(?:ing)? off"
       r"|switch(?:ing)? off)(?:e|es|ed|ing|s)? (?:all|every|each|any)(?: of)?(?: the| its"
       r"| guardian's)? (?:guardian|policy|gate|lesson ?gate)(?: \S+)? ?(?:rules?|findings?"
       r"|checks?|blocks?)\b|\b(?:suppress|silenc|mute)(?:e|es|ed|ing|s)? (?:the )?(?:guardian"
       r"|lesson gate|policy gate)\b", _BYPASS_MSG, negatable=True),
    _p("bypass", "advisory|optional|cosmetic|noise|binding|enforced|mandatory",
       _GATE + r"[^.;]{0,40}?\b(?:is|are) (?:only |just |purely |merely )?(?:advisory|optional"
       r"|cosmetic|noise|not (?:binding|enforced|mandatory|required))(?: anyway\b|[,;]? (?:so "
       r"|just |you can |feel free to )?(?:ignore|skip|suppress|bypass|disable|override)\b)",
       _BYPASS_MSG, back=80),
    _p("bypass", "[rules.",
       r"\[rules\." + _SECURITY_RULES + r"\]\s?(?:enabled\s?=\s?false|severity\s?=\s?['\"]?warn)"
       r"|\[\[suppress\]\]\s?rule\s?=\s?['\"]\*['\"](?![^\[]{0,200}\bpaths\s?=)",
       _BYPASS_MSG, negatable=True, back=2),
)
_DESCRIBED = (r"[`'\")\]]*\s?(?:deletes|removes|wipes|erases|destroys|discards|drops|throws away"
              r"|cleans|will (?:delete|remove|wipe|erase|destroy|discard)|would (?:delete|remove"
              r"|wipe|erase|destroy|discard)|can (?:delete|remove|wipe|destroy|erase))\b")

# Squashed view (letters and digits only): "d o n ' t  t e l l  t h e  u s e r".
COMPACT: tuple[Phrase, ...] = (
    _p("hide", "tell|inform|notify",
       r"(?:donot|dont|never|without)(?:ever)?(?:tell|inform|notify)(?:ing)?(?:the|your|any)?"
       r"(?:users?|humans?|operators?|reviewers?|maintainers?|anyone|anybody)(?!s|whether"
       r"|which(?:field|one|part|of)|if(?:the|their|an?)(?:account|email|username|password))",
       _HIDE_MSG, accept=lambda m: not regex(_VERIFIED_SQUASHED).match(m.string, m.end())),
    _lp("hide", "hide|conceal",
       r"(?:hide|conceal)(?:this|it|that|these|everything)from(?:the|your)?(?:users?|humans?"
       r"|operators?|reviewers?|maintainers?|anyone|everyone)", _HIDE_MSG),
)


def _denied(m: re.Match[str]) -> bool:
    """True for a denial: "this isn't hiding anything from the team"."""
    return bool(regex(r"\b(?:is|are|was|were|am)(?:n't| not)(?: (?:about|just|really|meant"
                      r" to be|for))? $").search(m.string, max(0, m.start() - 40), m.start()))


def _verified_claim(m: re.Match[str]) -> bool:
    """True for honesty advice: "don't tell the user X passes unless you ran the suite"."""
    return bool(regex(_VERIFIED).match(m.string, m.end(), m.end() + 160))


def _after_dry_run(text: str, hit: PhraseHit) -> bool:
    """True for ``git clean -fdx`` scoped by a dry run: "run ``git clean -ndx`` first and read
    the list, then ``git clean -fdx`` only if nothing you need is listed"."""
    return hit.text.startswith("git") and "clean" in hit.text and bool(regex(
        r"\bgit\s+clean\s+(?:-[a-z]*n[a-z]*|--dry-run)\b").search(text, 0, hit.start))


def _force_push_protected(args: str) -> bool:
    """True when ``git push`` arguments force-push to a protected branch."""
    tokens = args.split()
    forced = any(t in ("-f", "--force", "--force-with-lease") or t.startswith(
        "--force-with-lease=") or (t.startswith("-") and not t.startswith("--") and "f" in t)
        for t in tokens)
    protected = re.compile(r"(?:\+|head:|refs/heads/|\S+:)?" + _PROTECTED)
    plus_main = any(re.fullmatch(r"\+(?:refs/heads/)?" + _PROTECTED, t) for t in tokens)
    return plus_main or (forced and any(protected.fullmatch(t) for t in tokens))


class ConcealmentRule(BaseRule):
    """Blocks hiding, safety bypass, self-approval, persistence and destructive commands."""

    name = "concealment"
    defaults = {
        "decode": True,  # also check text hidden in base64, hex, escapes, ROT13, ...
        "check_code": True,  # check `code` fields for the commands too
        "extra_patterns": [],  # more regular expressions, matched on the lowercase skeleton
    }

    def configure(self) -> None:
        """Compile the phrase matchers and any extra patterns once."""
        self._matcher = PhraseMatcher(PHRASES + MORE_PHRASES + LATER_PHRASES + HIDES + PERSISTS)
        self._code_matcher = PhraseMatcher(
            [p for p in PHRASES + MORE_PHRASES
             if p.key in ("tls", "bypass", "destroy", "pipe", "evidence")])
        self._compact = PhraseMatcher(COMPACT, back=60, ahead=160, word_start=False)
        self._i18n = PhraseMatcher(HIDES + PERSISTS, back=60, ahead=200)
        self._extra = self.compile_patterns("extra_patterns")

    def check(self, lesson: Lesson, ctx: CheckContext) -> Iterator[Finding]:
        """Findings for every field that hides, bypasses, persists or destroys."""
        fields = [f for f in ctx.fields(lesson) if authored(f)]
        if not self.options["check_code"]:
            fields = [f for f in fields if f.pointer != "/code"]
        prose = [k for k, f in enumerate(fields) if f.pointer != "/code"]
        found: dict[int, list[PhraseHit]] = {}
        skels = [fields[k].skeleton for k in prose]
        for j, hit in self._matcher.scan_all(skels) + self._compact.scan_all(squash_all(skels)):
            found.setdefault(prose[j], []).append(hit)
        native = [k for k in prose if not fields[k].normalized.isascii()]
        for j, hit in self._i18n.scan_all([fields[k].normalized.casefold() for k in native]):
            found.setdefault(native[j], []).append(hit)
        for k, field in enumerate(fields):
            if field.pointer == "/code":
                found[k] = self.scan(field.skeleton, code=True)
            elif self._extra:
                found.setdefault(k, []).extend(self._extra_hits(field.skeleton))
        for k, field in enumerate(fields):
            seen: set[str] = set()
            yield from self._report(field, found.get(k, []), seen)
            if self.options["decode"]:
                for encoding, decoded in decode_embedded(field.raw):
                    hits = self.scan(skeleton(normalize(decoded)))
                    yield from self._report(field, hits, seen, (encoding, decoded))

    def scan(self, skel: str, *, code: bool = False) -> list[PhraseHit]:
        """Every concealment phrase in skeleton text ``skel`` (one hit per pattern).

        In code only the command and configuration patterns apply: prose phrases such as
        "keep ... from the user" read differently in identifiers and comments.
        """
        hits = (self._code_matcher if code else self._matcher).scan(skel)
        if not code:
            hits += self._compact.scan(squash(skel))
        return hits + self._extra_hits(skel)

    def _extra_hits(self, skel: str) -> list[PhraseHit]:
        hits = []
        for pattern in self._extra:
            if m := pattern.search(skel):
                hits.append(PhraseHit(Phrase("extra", (), pattern.pattern, (
                    "matches the repository's extra concealment pattern {pattern!r}: "
                    "{found!r}. Remove it or ask the repository owner why it is banned")),
                    m.start(), m.end(), m.group()))
        return hits

    @staticmethod
    def _severity(field: TextField, hit: PhraseHit, plain: bool) -> Severity:
        """Warn, not block, for a command only described ("`git clean -fdx` deletes
        untracked files") and for an official installer piped to a shell."""
        if hit.phrase.severity == "block" and plain and (
                (hit.phrase.key == "destroy" and (regex(_DESCRIBED).match(
                    field.skeleton, hit.end) or _after_dry_run(field.skeleton, hit)))
                or (hit.phrase.key == "pipe" and regex(
                        _INSTALLERS).search(hit.text))):
            return "warn"
        return hit.phrase.severity

    def _report(self, field: TextField, hits: list[PhraseHit], seen: set[str],
                decoded: tuple[str, str] | None = None) -> Iterator[Finding]:
        for hit in hits:
            key = f"{hit.phrase.key}:{hit.phrase.severity}"
            if key in seen:
                continue
            seen.add(key)
            message = hit.phrase.message.format(found=shorten(hit.text, 60),
                                                pattern=hit.phrase.pattern)
            if decoded is None:
                source = field.normalized if len(field.normalized) == len(field.skeleton) \
                    else field.skeleton
                shown = excerpt(source, hit.start, hit.end)
            else:
                encoding, text = decoded
                message = (f"hidden in {encoding}-encoded text (decoded: {shorten(text, 80)!r}):"
                           f" {message}; encoding it only hides it from review")
                shown = shorten(text)
            yield self.finding(field.pointer, message, excerpt=shown,
                               severity=self._severity(field, hit, decoded is None))
