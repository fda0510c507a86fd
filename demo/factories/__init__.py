"""factory_boy factories, one module per app, used by the tests and by the demo world."""
