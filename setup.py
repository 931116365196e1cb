"""Build hook: ship the top-level templates inside the wheel and compile the message catalogs."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent


def compile_catalogs(translations: Path, target: Path) -> None:
    """Compile every messages.po under translations into a messages.mo under target."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in translations.glob("*/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        mo_path = target / po_path.relative_to(translations).with_suffix(".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)


class BuildPyWithAssets(build_py):
    """build_py that also copies templates/ into the package and compiles the catalogs."""

    def run(self):
        super().run()
        package_dir = Path(self.build_lib) / "rollcall"
        shutil.copytree(HERE / "templates", package_dir / "templates", dirs_exist_ok=True)
        compile_catalogs(HERE / "rollcall" / "translations", package_dir / "translations")


setup(cmdclass={"build_py": BuildPyWithAssets})
