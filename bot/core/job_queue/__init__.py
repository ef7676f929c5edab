"""The job queue: the bot's database and its migrations, the jobs' store and lifecycle, their
files, the limits, the uploads' checks."""
