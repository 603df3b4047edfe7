"""Read and draft functions over the store and the planning engine, shared by every surface."""
