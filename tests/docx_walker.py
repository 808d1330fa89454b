"""Our own reader of tracked changes: accept-all and reject-all views of a .docx body.

Independent of the writer: it implements Word's rules for run-level and paragraph-mark
revisions (a deleted paragraph mark joins the paragraph to the next one).
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
N = {"w": W}


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _run_text(run) -> str:
    out = []
    for node in run:
        if node.tag in (q("t"), q("delText")):
            out.append(node.text or "")
        elif node.tag == q("tab"):
            out.append("\t")
        elif node.tag == q("br"):  # a page break is a form feed in sectool's text
            out.append("\f" if node.get(q("type")) == "page" else "\n")
    return "".join(out)


def _paragraph(p, accept: bool) -> tuple[str, bool]:
    """(text, joins-next) of one paragraph in the accepted or rejected view."""
    keep = {q("ins"), q("moveTo")} if accept else {q("del"), q("moveFrom")}
    drop = {q("del"), q("moveFrom")} if accept else {q("ins"), q("moveTo")}
    text = []
    for child in p:
        if child.tag == q("r"):
            text.append(_run_text(child))
        elif child.tag in keep:
            text += [_run_text(r) for r in child.iter(q("r"))]
        elif child.tag in drop:
            continue
    mark = p.find("w:pPr/w:rPr", N)
    joins = False
    if mark is not None:
        kinds = {c.tag for c in mark}
        joins = bool(kinds & drop)
    return "".join(text), joins


def body_xml(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read("word/document.xml")).find("w:body", N)


def view(data: bytes, accept: bool) -> list[str]:
    """Body paragraphs after the cover (ended by the first paragraph holding only a page
    break) and before the end marker."""
    body = body_xml(data)
    paragraphs = body.findall("w:p", N)
    start = 0
    for i, p in enumerate(paragraphs):
        if p.find(".//w:br[@w:type='page']", N) is not None and p.find(".//w:t", N) is None:
            start = i + 1
            break
    out: list[str] = []
    carry = ""
    for p in paragraphs[start:]:
        style = p.find("w:pPr/w:pStyle", N)
        if style is not None and style.get(q("val")) == "SECEnd":
            break
        text, joins = _paragraph(p, accept)
        if joins:
            carry += text
            continue
        out.append(carry + text)
        carry = ""
    return out


def revision_ids(data: bytes) -> list[str]:
    body = body_xml(data)
    ids = []
    for tag in ("ins", "del", "moveFrom", "moveTo", "moveFromRangeStart", "moveToRangeStart"):
        ids += [e.get(q("id")) for e in body.iter(q(tag))]
    return ids


def dump(data: bytes) -> str:
    """A normalised dump for golden files: paragraphs with their insert/delete runs, and
    page breaks as ``<page/>``."""
    lines = []
    for p in body_xml(data).findall("w:p", N):
        style = p.find("w:pPr/w:pStyle", N)
        mark = p.find("w:pPr/w:rPr/*", N)
        head = style.get(q("val")) if style is not None else "-"
        if mark is not None:
            head += (
                f" [{etree.QName(mark).localname} {mark.get(q('author'))} "
                f"{mark.get(q('date'))[:10]}]"
            )
        parts = []
        for child in p:
            if child.tag == q("r"):
                parts.append(_run_text(child))
            elif child.tag in (q("ins"), q("del"), q("moveFrom"), q("moveTo")):
                kind = etree.QName(child).localname
                text = "".join(_run_text(r) for r in child.iter(q("r")))
                parts.append(
                    f"<{kind} {child.get(q('author'))} {child.get(q('date'))[:10]}>{text}</{kind}>"
                )
        lines.append(f"{head}: {''.join(parts)}".replace("\f", "<page/>"))
    return "\n".join(lines) + "\n"
