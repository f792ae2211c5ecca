#!/usr/bin/env python
"""Same as the `styrhjul` command, for those used to manage.py."""

from styrhjul.cli import main

if __name__ == "__main__":
    main()
