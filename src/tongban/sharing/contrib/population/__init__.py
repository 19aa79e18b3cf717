"""人口库: the population base (identity, residence and household of natural persons)."""
