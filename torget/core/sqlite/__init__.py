"""Django's SQLite backend, with the connections kept open between requests (``base``)."""
