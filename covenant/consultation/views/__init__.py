"""The consultation's views, one module per resource. The page's routes (models/pages.py) call `respond`,
`published` and `outcome`; urls.py routes to the rest:

- `public`: the consultations hub and the "Send response" POST, at plain URLs;
- `moderation`: the moderation queue and one response to moderate;
- `offline`: responses received by e-mail or post, entered by a moderator;
- `safeguarding`: the safeguarding lead's referrals;
- `analysis`: the consultations to analyse, the answers table and one answer to tag;
- `themes`: the themes screen and one theme.

This package re-exports nothing: the page module imports the route views, which must not bring in the views
that import the page module back.
"""
