"""Draft an annotation for a new article: a suggestion for every sentence, for a teacher to review.

``draft_annotation(text_path)`` splits the text (headline, header, paragraphs, sentences with the
kit's ids) and suggests each sentence's fields from lexicons (``medialit/data/lexicons/``). Every
suggestion carries a ``draft`` note naming the words that triggered it; only a human clears it
(:mod:`medialit.teaching.review`). The draft validates, so the review notebook can load it.

May import: content only (like the rest of medialit.content).
"""

from medialit.content.drafting.draft import draft_annotation, write_draft

__all__ = ["draft_annotation", "write_draft"]
