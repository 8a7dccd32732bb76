"""Built-in policy rules, one module per family; registered in the guardian.rules group."""
