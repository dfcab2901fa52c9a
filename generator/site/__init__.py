"""The publishable site: an index of the city's documents, one page per document, search (a
folder's 重点 and its paired 基礎 are two documents, ``generator.documents``).

* ``profile``: the city profile (``sources/city.yaml``: 団体名, サイト名, 連絡先) for the index.
* ``pages``: a document's page, the HTML writer's page with the site's header, table of
  contents and footer around it.
* ``search``: the character-bigram search index over every item of every assessment.
* ``index``: the index page.
* ``theme``: the Jinja2 environment of ``templates/site`` and the site's static files.

Everything links relatively and nothing is fetched from elsewhere, so the folder works from
``file://`` and on any static host as is.
"""
