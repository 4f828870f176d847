"""The Redis transport keeps a worker consuming after Redis was lost mid-task (core/broker.py).

The whole story, a worker losing Redis while a task runs, is tests/faults/test_redis_outage.py;
here is the state it leads to: a channel still holding an unacknowledged message after its
connection was closed underneath it.
"""

import pytest
from kombu import Connection

from core.broker import Transport
from tests.faults.support import RedisServer

pytestmark = pytest.mark.integration

TASK = {"task": "commerce.job_run", "args": ["P-0001", "commit"]}


@pytest.fixture
def redis_url(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server.url(0)
    server.stop()


def test_a_closed_connection_leaves_the_message_in_redis_without_stopping_the_consumer(redis_url):
    with Connection(redis_url, transport=Transport) as producer:
        producer.SimpleQueue("kicks").put(TASK)
    consumer = Connection(redis_url, transport=Transport)
    channel = consumer.default_channel  # the channel Celery's consumer reads from
    message = consumer.SimpleQueue("kicks", channel=channel).get(timeout=5)

    # The state a lost broker leaves behind, as in the worker's log of the fault scenario: the
    # channel's pools were dropped, the transport dropped its connection parameters, and the
    # channel is still open, holding the message.
    channel._disconnect_pools()
    consumer._do_close_transport()
    # Putting the message back and acknowledging it fail as connection errors, which kombu and
    # Celery handle, not as an AttributeError, which stops the consumer for good.
    with pytest.raises(consumer.connection_errors):
        channel.qos.restore_unacked()
    with pytest.raises(consumer.connection_errors):
        message.ack()
    consumer.close()  # as the worker does next; kombu ignores the connection error inside

    # Neither acknowledged nor lost: kombu restores it after the visibility timeout (0 here).
    with Connection(
        redis_url, transport=Transport, transport_options={"visibility_timeout": 0}
    ) as again:
        again.default_channel.qos.restore_visible()
        redelivered = again.SimpleQueue("kicks").get(timeout=5)
        assert redelivered.payload == TASK
        redelivered.ack()
