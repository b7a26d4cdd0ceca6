"""The command line of train.py: the check of its arguments and --help before anything runs, the
Hydra job around run() (its summary, exit status, interrupts), and the end-of-sweep table. No
torch at import: a refused argument costs no training stack."""
