"""证照库: the platform's own electronic licences (the licences app) as a provider of shared data."""
