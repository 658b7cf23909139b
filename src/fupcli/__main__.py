"""`python -m fupcli` runs the same CLI as the `fup` script."""

from fupcli.fastpath import main

if __name__ == "__main__":
    main()
