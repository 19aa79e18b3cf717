"""Sent inside the transition's transaction after every case transition, so other domains (bundles)
react atomically without cases importing them. kwargs: case, action, before."""

from django.dispatch import Signal

case_transitioned = Signal()
