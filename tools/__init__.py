"""Development tools (not shipped in the wheel): corpus runs, reference comparisons, README tables."""
