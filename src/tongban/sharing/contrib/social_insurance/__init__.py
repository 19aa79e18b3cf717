"""社保: social insurance contributions of persons."""
