"""The chat session: previews, the buttons and their effects, the sessions kept between presses,
the messages a job shows."""
