"""Write the Hugging Face Space repository from space/ into a folder: `make space-bundle`.

    python scripts/space_bundle.py OUT

A Space repository needs its app and its README (with the front matter that tells Hugging Face
how to run it) at its root; here they live in space/. Everything in space/ is copied as it is
at build time, after checking what would otherwise fail only on Hugging Face: the front matter
names the SDK version, the Python version and an app file that exists; requirements.txt does
not list gradio again (the SDK installs gradio at `sdk_version`; a second, different pin would
be a second gradio); and `sdk_version` is the gradio version this repository tests with.
Only the standard library: it runs before any install.
"""

import re
import shutil
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPACE = ROOT / "space"
LOCK = ROOT / "requirements" / "dev.txt"
# What Hugging Face needs from the front matter to build and run the app as tested here.
REQUIRED = ("sdk", "sdk_version", "python_version", "app_file")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "flagged", ".gradio")


class BundleError(Exception):
    """The Space would not run on Hugging Face as it runs here."""


def front_matter(readme: str) -> dict[str, str]:
    """The `key: value` lines between the leading `---` fences (all the Space card uses)."""
    match = re.match(r"---\n(.*?)\n---\n", readme, re.DOTALL)
    if not match:
        raise BundleError("space/README.md has no front matter (--- ... ---) at its top")
    pairs = (line.split(":", 1) for line in match[1].splitlines() if ":" in line)
    return {key.strip(): value.strip().strip("\"'") for key, value in pairs}


def gradio_under_test() -> str:
    """The gradio version `make test` runs the Space with (the dev lock's pin)."""
    match = re.search(r"^gradio==(\S+)", LOCK.read_text(), re.MULTILINE)
    if not match:
        raise BundleError(f"{LOCK.name} pins no gradio")
    return match[1]


def check(space: Path) -> dict[str, str]:
    card = front_matter((space / "README.md").read_text())
    missing = [key for key in REQUIRED if not card.get(key)]
    if missing:
        raise BundleError(f"space/README.md front matter lacks {', '.join(missing)}")
    if card["sdk"] != "gradio" or not (space / card["app_file"]).is_file():
        raise BundleError(f"the Space must be a gradio app with {card['app_file']} in space/")
    if card["sdk_version"] != gradio_under_test():
        raise BundleError(
            f"sdk_version {card['sdk_version']} is not the gradio the tests run "
            f"({gradio_under_test()}, requirements/dev.txt): change one to match the other"
        )
    python = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    if not card["python_version"].startswith(python.removeprefix(">=")):
        raise BundleError(f"python_version {card['python_version']} is not {python}")
    for line in (space / "requirements.txt").read_text().splitlines():
        if re.match(r"\s*gradio\b(?!-client|_client)", line):
            raise BundleError("space/requirements.txt lists gradio: the SDK installs it")
    return card


def bundle(out: Path) -> dict[str, str]:
    card = check(SPACE)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(SPACE, out, ignore=SKIP)
    return card


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    out = Path(sys.argv[1]).resolve()
    try:
        card = bundle(out)
    except BundleError as error:
        print(f"space-bundle: {error}", file=sys.stderr)
        return 1
    print(
        f"Space repository written to {out} (gradio {card['sdk_version']}, "
        f"Python {card['python_version']}): push its contents to the Space."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
