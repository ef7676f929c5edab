"""Running jobs: the runner interface, the local process pool, the worker process and the real
engine, the engine's errors in a chat user's words."""
