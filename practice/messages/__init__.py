"""Secure messages between sessions: each partner's private thread with the counsellor,
and the couple's joint thread. See docs/messages.md."""
