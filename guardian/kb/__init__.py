"""The knowledge base: lesson files materialised from a hash-chained ledger.

    canonical.py   canonical bytes and digests          ledger.py    entries, MACs, head checkpoint
    replay.py      actions and their effects (pure)     change.py    decisions → entries
    verify.py      chain, head and view checks (pure)   store.py     KnowledgeBase + wrappers
    directory.py   the on-disk store (lock, CAS, crash recovery)
    fsio.py, lock.py  atomic writes, flock             importer.py, export.py, scaffold.py

See docs/ledger.md. Nothing is imported here, so ``import guardian.kb`` stays free.
"""
