"""Signing-key backends (signers.py): ``software`` (the default) and whatever hardware modules a deployment
plugs in as contrib/<name>/backend.py."""
