"""Progress from an engine process straight to the core, over Redis pub/sub."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import redis

log = logging.getLogger(__name__)

_clients: dict[str, redis.Redis] = {}  # one connection per URL and engine process


@dataclass(frozen=True)
class RedisProgressChannel:
    """A ProgressSender channel: `put((job_id, stage, fraction))` publishes it for one run.

    Picklable (it crosses into the engine process with each job); it connects on first use.
    """

    url: str = field(repr=False)  # may hold a password
    channel: str
    run_id: str

    def put(self, message: tuple[str, str, float]) -> None:
        """Publish {"run", "stage", "fraction"}; a lost message is only logged (the next comes)."""
        _, stage, fraction = message
        payload = json.dumps({"run": self.run_id, "stage": stage, "fraction": fraction})
        try:
            client = _clients.get(self.url)
            if client is None:
                client = _clients[self.url] = redis.Redis.from_url(self.url)
            client.publish(self.channel, payload)
        except redis.RedisError as error:
            log.warning("progress of run %s lost: %s", self.run_id, error)
