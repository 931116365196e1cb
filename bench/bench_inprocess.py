"""A teacher's morning in one process on one SQLite file, against the floor app's requests.

`make bench` runs it; `python -m bench.profile_morning --help` has the options (PostgreSQL,
rounds, a profile of one request). Figures only; nothing is asserted.
"""

from bench import profile_morning


def main() -> None:
    profile_morning.main([])
