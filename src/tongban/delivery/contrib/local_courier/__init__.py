"""A LOCAL stand-in courier: persists shipments in this database and moves them along on command or by time.
For demos, tests and deployments without a courier contract; never a real parcel service."""
