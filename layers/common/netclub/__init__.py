"""netclub: the shared package of the Net Club My Portal (deployed as the `common` layer)."""
