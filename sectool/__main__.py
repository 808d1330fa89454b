"""The entry point of the `sectool` command and of `python -m sectool`.

It imports nothing before it can catch Ctrl-C, so an interrupt while click and the commands
load exits 130 (ExitStatus.INTERRUPTED) without a traceback, as one during a command does.
"""

import sys

INTERRUPTED = 130  # ExitStatus.INTERRUPTED, without importing anything first


def main() -> None:
    """Run the command line; exit 130 on Ctrl-C, imports included."""
    try:
        from sectool.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.exit(INTERRUPTED)


if __name__ == "__main__":
    main()
