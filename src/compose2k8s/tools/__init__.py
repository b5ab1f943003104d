"""Developer tools shipped with the package: corpus runs, reference comparisons."""
