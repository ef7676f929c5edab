"""Scale-out: the bot's jobs run on GPU workers on other machines, through Redis (arq).

`bot.scale.redis_runner.RedisRunner` is the core's JobRunner when PAINTERLY_QUEUE_BACKEND=redis;
`python -m bot.scale.worker` is a worker. docs/scale-out.md explains the design.
"""
