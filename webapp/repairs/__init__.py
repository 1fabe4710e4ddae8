"""Blueprint package; see views.py."""
