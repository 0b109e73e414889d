"""`python -m newsflow` runs the command line."""

from newsflow.flows.cli import main

main()
