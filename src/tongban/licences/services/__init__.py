"""Every write of the licences domain: keys, issue, the one entry point of a licence's changes (perform),
the status lists and the record of checks."""
