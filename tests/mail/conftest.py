from db_fixtures import db_url, demo_url, migrated_url, postgres_url, snapshot  # noqa: F401
