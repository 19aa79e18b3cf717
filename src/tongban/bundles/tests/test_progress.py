from tongban.bundles.progress import derive_phase


def test_phase_follows_children():
    assert derive_phase(["in_progress", "waiting"]) == "in_progress"
    assert derive_phase(["decided", "terminated", "decided"]) == "ready"
    assert derive_phase(["closed", "terminated"]) == "closed"
    assert derive_phase(["refused", "refused"]) == "refused"
    assert derive_phase(["refused", "decided"]) == "ready"
    assert derive_phase(["decided", "suspended"]) == "in_progress"
