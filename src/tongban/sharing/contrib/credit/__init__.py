"""信用库: the credit base (失信 lists and good records of persons and enterprises)."""
