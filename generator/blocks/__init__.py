"""Shared, versioned standard texts (共通記載ブロック) and the references to them.

* ``library``: block files (``templates/blocks/<id>.yaml`` shipped, ``<sources>/blocks/<id>.yaml`` a
  city's own), their versions and lookup.
* ``render``: block texts as sandboxed Jinja2 templates of their parameters.
* ``resolve``: checking every reference of an assessment and rendering it for the builder.
* ``usage``: which assessment uses which block at which version (also for incremental builds).
* ``upgrade``: moving references to the newest version by editing only their ``version:`` text.
"""
