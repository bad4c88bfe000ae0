"""Response headers every API answer carries."""
from functools import wraps


def no_store(run):
    """`Cache-Control: no-store` on every answer of an operation, errors included.

    The API answers one caller from what that caller may see, with personal data (members, /me): neither a
    proxy nor the browser's disk may keep it.
    """

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        response = run(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["Pragma"] = "no-cache"
        return response

    return wrapper
