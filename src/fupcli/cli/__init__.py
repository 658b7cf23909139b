"""The command line: the Typer app, the fast door that answers daily commands without it, completion."""
