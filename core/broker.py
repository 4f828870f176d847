"""kombu's Redis transport, made to survive losing Redis while a task is running.

With late acknowledgement a running task's message is unacknowledged. When the connection
breaks, the worker closes it; kombu then tries to put such messages back in the queue, and to
acknowledge the task once it finishes, through a channel whose connection is already closed.
kombu builds a new Redis pool from connection parameters it has just dropped, and the resulting
AttributeError, not being a connection error, stops the worker's consumer for good while the
process stays up (compare celery/kombu#582). Here such a channel raises a connection error
instead, which kombu and Celery handle: the consumer reconnects, and the messages stay in
Redis's unacknowledged set, from which kombu restores them after the visibility timeout. Tasks
are idempotent and also run by the beat schedule, so a task that runs again costs nothing.
"""

import logging

from kombu.transport import redis as kombu_redis
from redis import exceptions as redis_exceptions

logger = logging.getLogger(__name__)


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection is None or self.connection.client is None:
            logger.warning(
                "A broker channel was used after its connection closed; its unacknowledged "
                "messages stay in Redis and return after the visibility timeout."
            )
            raise redis_exceptions.ConnectionError("The broker connection is closed.")
        return super()._connparams(asynchronous=asynchronous)  # type: ignore[misc]  # private: not in the stubs


class Transport(kombu_redis.Transport):
    Channel = Channel
