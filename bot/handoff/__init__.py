"""Handing conversations to people: the agent inbox and what it needs."""
