"""Receiving launches: pylti1p3 over our models, the hardening layer, sync, views."""
