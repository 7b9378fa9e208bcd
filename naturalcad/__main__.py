"""`python -m naturalcad COMMAND`: manage.py for the installed package (the image has no source
tree): `python -m naturalcad migrate`, `python -m naturalcad run_worker`, ..."""

import os
import sys

from django.core.management import execute_from_command_line


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naturalcad.settings")
    execute_from_command_line([f"{sys.executable} -m naturalcad", *sys.argv[1:]])


if __name__ == "__main__":
    main()
