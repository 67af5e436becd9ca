"""Data layer: portal accounts, activation codes, licences, renewal orders and the mail outbox.

`db` makes engines and sessions from `DATABASE_URL`, `models` is the schema, the
migrations under `migrations/` create it, and `repository` is the only module that
queries it, handing out frozen dataclasses instead of ORM objects.
"""
