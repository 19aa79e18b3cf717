"""The SM2 JSON time-stamping protocol: POST {"digest", "requester"} to the authority's URL, get back
{"token", "signature"} (domain/timestamp.py). Tongban's own service (federation/tsa.py) speaks it."""
