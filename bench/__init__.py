"""Benchmarks of SPEC §12 / issue 6; each module prints one JSON object (see bench/README.md)."""
