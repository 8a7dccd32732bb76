"""Rule plugins used by the tests, registered through a real entry-point distribution."""
