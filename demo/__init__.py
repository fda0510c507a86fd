"""The synthetic demo world (`manage.py seed_demo`) and the factory_boy factories it shares with the tests.

Lives outside the product apps so that no app imports its test data: the apps never import `demo`, and `demo`
never imports `tests`.
"""
