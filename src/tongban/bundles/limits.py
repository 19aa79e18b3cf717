"""The law's limits of joint handling (pure; no Django): 行政许可法 Art. 42 (2) — an item handled jointly by
several departments (联合办理, as in a bundle) is decided within 45 working days, extended by 15 at most with
the approval of the government's head. A bundle's own limit may be shorter, never longer."""

JOINT_HANDLING_DAYS = 45
JOINT_EXTENSION_DAYS = 15
