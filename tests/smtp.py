"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, in a thread of the test process."""

import asyncio
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller

from tests.broker import free_port


class SmtpSink:
    """Keeps every message it accepts (`messages`); refuses the recipients in `refuse` with a
    550, as a server does for an unknown mailbox; never answers the message to a recipient in
    `hold` (a server that hangs), and lists those it holds in `held`, neither accepted nor
    refused: its client sees no answer until it gives up or dies."""

    def __init__(self):
        self.messages: list[Message] = []
        self.refuse: set[str] = set()
        self.hold: set[str] = set()
        self.held: list[str] = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def start(self):
        self._controller.start()

    def stop(self):
        self._controller.stop()

    def to(self, address: str) -> list[Message]:
        return [message for message in self.messages if message["To"] == address]

    # aiosmtpd's handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        held = self.hold.intersection(envelope.rcpt_tos)
        if held:
            self.held.extend(held)
            await asyncio.Event().wait()  # cancelled when the client goes away or the sink stops
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"
