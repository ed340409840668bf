"""An aiosmtpd handler for the tests: a mail server that keeps every
message in a Maildir, as aiosmtpd's Mailbox does, but answers each one
only after 3 seconds (the service is stopped while it waits)."""

import asyncio

from aiosmtpd.handlers import Mailbox


class SlowMailbox(Mailbox):
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(3)
        return await super().handle_DATA(server, session, envelope)
