"""medialit's masters and answer keys, for graders only: ``kit/`` holds solutions/, keys/ and seeds/.

Nothing to import: ``medialit.content.kit.grading_kit()`` finds this folder (``medialit course init``
copies it into a course). Install it only where students cannot read it (deploy/README.md).
"""
