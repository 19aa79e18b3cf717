"""法人库: the legal-entity base (registered enterprises and organisations)."""
