"""The knowledge base: lesson files materialised from a hash-chained ledger."""
