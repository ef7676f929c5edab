"""One cog per concern: /harmonize, the user's jobs, limits, help."""
