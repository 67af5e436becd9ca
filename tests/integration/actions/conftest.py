from action_fixtures import fake_service, identity_secret

# The fixtures of every action test (identity_secret for each of them), defined once in tests/helpers.
__all__ = ["fake_service", "identity_secret"]
