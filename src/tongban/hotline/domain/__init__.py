"""The hotline's pure domain (no Django): the work-order state table and its guards, who may do what,
deadlines, duplicate fingerprints and the indicators' arithmetic."""
