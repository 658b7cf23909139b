"""Touches that log themselves: mail headers and calendar events are read by the modules here (pure, no database) and turned into touches and commitments by `capture.sync`."""
