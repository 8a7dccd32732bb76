"""Policy engine: packs of declarative rules applied to lessons (see ``engine`` and ``base``)."""
