"""Draft an annotation for a new article: a suggestion for every sentence, for a teacher to review.

``draft_annotation(text_path)`` splits the text (headline, header, paragraphs, sentences with the
kit's ids) and suggests each sentence's fields from lexicons (``medialit/data/lexicons/``). Every
suggestion carries a ``draft`` note naming the words that triggered it; only a human clears it
(:mod:`medialit.teaching.review`). The draft validates, so the review notebook can load it.

Why these tools: sentences are split by pysbd (rule-based, no model, on PyPI), which splits the
kit's texts as the gold annotations do. spaCy would need a model, and the package index serves
only third-party re-uploads of its English models, not Explosion's own: the rest is lexicons
(auditable, each with its provenance) and the scheme's own decision order. Nothing is fetched at
run time.

May import: content only (like the rest of medialit.content).
"""

from medialit.content.drafting.draft import draft_annotation, write_draft

__all__ = ["draft_annotation", "write_draft"]
