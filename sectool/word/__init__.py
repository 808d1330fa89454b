"""Reading Word (.docx) files: SEC documents and drafters' redlines, from untrusted input.

Built on zipfile and lxml only (python-docx stays in ``sectool.render.docx``):

- :mod:`sectool.word.package`: the zip and its XML parts, opened defensively;
- :mod:`sectool.word.numbering`: list labels computed from ``numbering.xml`` and styles;
- :mod:`sectool.word.views`: one walk of the body giving the accept or the reject view;
- :mod:`sectool.word.markdown`: paragraphs and tables as sectool Markdown.
"""
