"""The read buffer under paho's socket (``shared.mqtt_socket``): paho's small reads served from one
large ``recv``, nothing lost or reordered, ``pending()`` telling paho's loop what is buffered, and a
real broker round trip through it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from shared.mqtt_socket import BufferedClient, BufferedSocket
from tests.support import Broker, wait_until


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    left, right = socket.socketpair()
    right.setblocking(False)
    yield left, right
    left.close()
    right.close()


def test_small_reads_come_from_one_recv_in_order(pair: tuple[socket.socket, socket.socket]) -> None:
    sender, receiver = pair
    data = bytes(range(256)) * 40  # 10,240 bytes in one go
    sender.sendall(data)
    buffered = BufferedSocket(receiver)
    got = bytearray(buffered.recv(1))
    assert buffered.pending() == len(data) - 1  # the rest came along with the first byte
    for size in (1, 3, 1000, 5000):
        got += buffered.recv(size)
    got += buffered.recv(100_000)  # asks for more than is buffered: gets what is there
    assert bytes(got) == data and buffered.pending() == 0
    with pytest.raises(BlockingIOError):  # empty: as the non-blocking socket says
        buffered.recv(1)
    sender.sendall(b"xy")
    assert buffered.recv(2) == b"xy"
    sender.close()
    assert buffered.recv(1) == b""  # end of stream, as the socket says


def test_it_passes_everything_else_to_the_socket(pair: tuple[socket.socket, socket.socket]) -> None:
    sender, receiver = pair
    buffered = BufferedSocket(receiver)
    assert buffered.fileno() == receiver.fileno()
    buffered.sendall(b"back")
    assert sender.recv(4) == b"back"


def test_a_client_reads_through_it_from_a_real_broker(broker: Broker) -> None:
    port = broker.port
    got: list[bytes] = []
    done = threading.Event()
    client = BufferedClient(CallbackAPIVersion.VERSION2, client_id="buffered-test")

    def on_message(_c: object, _u: object, message: paho.MQTTMessage) -> None:
        got.append(message.payload)
        if len(got) == 300:
            done.set()

    client.on_connect = lambda c, *_: c.subscribe("test/buffered/#", qos=1)
    client.on_message = on_message
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        sent = [str(n).encode() * (1 + n % 7) * (1 if n % 50 else 20_000) for n in range(300)]
        publisher = BufferedClient(CallbackAPIVersion.VERSION2, client_id="buffered-pub")
        publisher.connect("127.0.0.1", port)
        publisher.loop_start()
        while not client.is_connected():
            done.wait(0.05)
        done.wait(0.5)  # the subscription in place
        for payload in sent:
            publisher.publish("test/buffered/x", payload, qos=1)
        assert done.wait(30), f"{len(got)} of 300 arrived"
        assert got == sent  # every one, whole and in order (small ones batched, 20-60 KB ones split)
        assert isinstance(client.socket(), BufferedSocket)
        publisher.disconnect()
        publisher.loop_stop()
    finally:
        client.disconnect()
        client.loop_stop()


def test_it_counts_the_publications_the_broker_has_not_acknowledged(broker: Broker) -> None:
    # The hub sends no refusal while this count is high (broker.hub.ingress.RefusalBudget): it must
    # read this paho's queue (a count stuck at 0 would let a flood's refusals pile up again).
    client = BufferedClient(CallbackAPIVersion.VERSION2, client_id="unacknowledged-test")
    for n in range(5):
        client.publish("test/unacknowledged", str(n), qos=1)  # not connected yet: kept until acknowledged
    client.publish("test/unacknowledged", "qos 0", qos=0)  # never acknowledged, never kept
    assert client.unacknowledged() == 5
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    try:
        wait_until(lambda: client.unacknowledged() == 0, 10, "the broker's acknowledgements")
    finally:
        client.disconnect()
        client.loop_stop()
