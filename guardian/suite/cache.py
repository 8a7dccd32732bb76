"""The evaluation cache: SQLite in WAL mode, keyed by content, never trusted blindly.

A row holds one task's case results under a key that covers everything that could change them
(suite files and version, the task, the code, settings and seed, guardian's version, the
isolation level). Each row carries a digest over its key, task and payload — an HMAC when a
secret is given (guardian uses one derived from the ledger key), a plain SHA-256 otherwise —
and a row that does not match is ignored, so a row copied under another key, or edited, is a
miss. Without a secret the digest catches damage, not forgery: the cache is then as
trustworthy as the directory it lives in. A file that is not our database (corrupt, another
program's, another schema) is moved aside and rebuilt.
Several processes may read and write at once (WAL, a busy timeout, one short transaction per
write).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

from guardian.suite.results import CaseResult

SCHEMA = "guardian-eval-cache/1"


class EvalCache:
    """Open with :meth:`open`; ``get``/``put`` one task's cases by key."""

    def __init__(self, conn: sqlite3.Connection, path: Path, secret: bytes | None = None
                 ) -> None:
        self._conn = conn
        self.path = path
        self.rebuilt = False
        self._secret = secret

    def _digest(self, key: str, task_id: str, payload: str) -> str:
        material = b"\0".join((key.encode(), task_id.encode(), payload.encode()))
        if self._secret:
            return "hmac:" + hmac.new(self._secret, material, hashlib.sha256).hexdigest()
        return hashlib.sha256(material).hexdigest()

    @classmethod
    def open(cls, path: Path, *, secret: bytes | None = None) -> EvalCache:
        """Open (or create, or rebuild) the cache at ``path``; ``secret`` keys the row MACs."""
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            cache = cls._connect(path)
            cache._secret = secret
            return cache
        except sqlite3.DatabaseError:
            aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}-{os.getpid()}")
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.replace(f"{path}{suffix}", f"{aside}{suffix}")
            cache = cls._connect(path)
            cache.rebuilt = True
            cache._secret = secret
            return cache

    @classmethod
    def _connect(cls, path: Path) -> EvalCache:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            tables = {name for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
            if tables and ("meta" not in tables or not tables <= {"meta", "results"}):
                raise sqlite3.DatabaseError(f"not guardian's cache (tables {sorted(tables)})")
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA,))
            (schema,) = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if schema != SCHEMA:
                raise sqlite3.DatabaseError(f"foreign cache schema {schema!r}")
            conn.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, "
                         "task_id TEXT NOT NULL, payload TEXT NOT NULL, sha256 TEXT NOT NULL, "
                         "created REAL NOT NULL)")
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return cls(conn, path)

    def get(self, key: str) -> list[CaseResult] | None:
        """The cached cases for ``key``, or None (missing, damaged or unreadable)."""
        try:
            row = self._conn.execute("SELECT task_id, payload, sha256 FROM results WHERE key=?",
                                     (key,)).fetchone()
        except sqlite3.DatabaseError:
            return None
        if row is None:
            return None
        task_id, payload, digest = row
        if not (isinstance(payload, str) and isinstance(task_id, str)
                and isinstance(digest, str)
                and hmac.compare_digest(self._digest(key, task_id, payload), digest)):
            return None
        try:
            cases = [CaseResult.from_json(c) for c in json.loads(payload)]
        except (ValueError, KeyError, TypeError, AttributeError):  # not a list of objects
            return None
        if not cases or any(c.task_id != task_id for c in cases):
            return None
        return cases

    def put(self, key: str, task_id: str, cases: Sequence[CaseResult]) -> None:
        payload = json.dumps([c.to_json() for c in cases], separators=(",", ":"))
        digest = self._digest(key, task_id, payload)
        with contextlib.suppress(sqlite3.DatabaseError):  # a cache that cannot write is no cache
            self._conn.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?)",
                               (key, task_id, payload, digest, time.time()))

    def __len__(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM results").fetchone()[0])

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
