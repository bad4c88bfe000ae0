"""What the current request tells a service that its arguments do not: the client address for audit."""
from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)
