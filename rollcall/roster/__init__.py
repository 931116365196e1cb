"""Roster import: OneRoster CSV sets and the simple CSV, checked fully before one write."""
