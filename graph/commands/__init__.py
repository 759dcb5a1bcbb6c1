"""One module per CLI command; each holds a click command and little else."""
