"""Pure rules of data sharing (no Django): who may be given which fields of which resource, and when."""
