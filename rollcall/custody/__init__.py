"""Confiscated items: who holds what was taken from a bag, from the teacher to its end."""
