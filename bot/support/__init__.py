"""Business rules as pure functions of their inputs (and an explicit `today`)."""
