"""Run every benchmark module in this package, or the ones named: python -m bench [area ...]."""

import importlib
import pkgutil
import sys
from pathlib import Path


def main(names: list[str]) -> None:
    here = Path(__file__).parent
    found = pkgutil.iter_modules([str(here)])
    modules = sorted(m.name for m in found if m.name.startswith("bench_"))
    chosen = [m for m in modules if not names or m.removeprefix("bench_") in names]
    for name in chosen:
        print(f"== {name}")
        importlib.import_module(f"bench.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
