"""HR screens, one module per resource. Views are thin: a form parses input, a service writes, a selector reads
and checks access.

Anonymous visitors are sent to sign in; signed-in users without the HR role (or, for reports, the analyst or
HR role) get 403. Record views are scoped by the selectors to the user's own organisations.
"""
