"""The command line of train.py: the check of its arguments and --help before anything runs (no
torch: a refused argument costs no training stack), the docs' generated tables, the Hydra job
around run() (job.py: its summary, exit status, interrupts) and the end-of-sweep table."""
