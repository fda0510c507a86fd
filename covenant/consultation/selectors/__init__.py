"""Reads for the consultation, one module per subdomain. Staff selectors check the permission, so a view cannot
forget it; what anyone but a moderator may read of a response goes through `covenant/consultation/publication.py`.

- `questions`: a consultation's questions, numbered, and their pages of the form;
- `summaries`: the published figures (response counts, question summaries, cross-cutting themes);
- `campaigns`: campaign and duplicate groups;
- `moderation`: the moderation queue and the publication gate (`publication_blockers`);
- `analysis`: the answers analysts read, and suggested themes;
- `themes`: a consultation's themes;
- `consultations`: consultation pages by id (the only module here that imports the page module).

Import the module you need. This package re-exports nothing on purpose: the page model's routes import the public
views, which read through these modules, so importing `consultations` (and with it the page module) whenever any
selector is imported would close an import loop.
"""
