from django.db import models


class PathField(models.CharField):
    """A materialized path, compared byte by byte.

    PostgreSQL's default collation ignores punctuation, which would break the range queries in
    gonghui.core.scoping; the "C" collation makes order byte order, so the plain btree index serves
    subtree ranges. SQLite compares bytes already (BINARY), and has no collation named "C".
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
