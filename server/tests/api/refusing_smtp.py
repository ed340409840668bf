"""An aiosmtpd handler for the tests: a mail server that refuses every
recipient, as one would that does not relay for the hospital's sender."""


class Refuse:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.7.1 Relaying denied"
