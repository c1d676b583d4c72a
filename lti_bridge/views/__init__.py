"""Bridge pages outside the launch itself: accounts, email verification, classes."""
