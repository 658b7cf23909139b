"""`python -m fupcli` runs the same CLI as the `fup` script."""

from fupcli.cli.fast import main

if __name__ == "__main__":
    main()
