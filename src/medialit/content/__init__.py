"""Content: the article as data.

Owns: the article and its annotation (``article``), the annotation file's checks
(``annotation``), what other reports say about it (``coverage``), the label scheme (``scheme``)
and quoting words in a text (``spans``).

May import: nothing else in medialit. Everything above reads articles through here.
"""
