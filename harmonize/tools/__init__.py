"""Tools around the engine, not part of the method: the benchmarks and the offline demo."""
