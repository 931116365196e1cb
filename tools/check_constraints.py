"""Fail with one clear line when setup.cfg asks for a package that constraints.txt does not pin.

pip installs such a package unpinned without a word; a pin outside setup.cfg's range is caught
by pip's resolver itself. Standard library only: it runs before the venv has anything in it.
"""

import configparser
import re
import sys
from pathlib import Path

NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def required(setup_cfg: Path) -> set[str]:
    """Names of every requirement in install_requires and in every extra."""
    config = configparser.ConfigParser()
    config.read(setup_cfg, encoding="utf-8")
    lines = config.get("options", "install_requires", fallback="").splitlines()
    if config.has_section("options.extras_require"):
        for _, value in config.items("options.extras_require"):
            lines += value.splitlines()
    return {normalized(m.group(1)) for line in lines if (m := NAME.match(line))}


def pinned(constraints: Path) -> set[str]:
    """Names pinned with == in the lock file."""
    text = constraints.read_text(encoding="utf-8")
    return {normalized(name) for name in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", text,
                                                     flags=re.MULTILINE)}


def main(setup_cfg: str = "setup.cfg", constraints: str = "constraints.txt") -> int:
    if not Path(constraints).is_file():
        print(f"{constraints} is missing: run `make lock`", file=sys.stderr)
        return 1
    missing = sorted(required(Path(setup_cfg)) - pinned(Path(constraints)))
    if missing:
        print(f"{constraints} does not pin {', '.join(missing)} from {setup_cfg}: "
              "run `make lock` and commit it", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
