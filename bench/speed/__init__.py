"""Speed benchmark: `python -m bench.speed --help`."""
