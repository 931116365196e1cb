"""JSON API v1: the teacher's checks for gate readers, other systems and scripts."""
