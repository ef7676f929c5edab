"""Admin settings and community tools: who may do what, chat defaults, the picture check,
blocks, reports, the audit log, /stats."""
