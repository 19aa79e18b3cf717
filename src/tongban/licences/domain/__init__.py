"""The licence domain without Django: identifiers, the seal in the QR code, the status list, the state table,
the policy and the offline verdict. The command-line verifier needs nothing else (and no database)."""
