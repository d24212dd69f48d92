"""The e-mail channel: support mailboxes read over IMAP or fed by a mail server's pipe, each
message turned into a ticket or a reply on one (docs/email.md)."""
