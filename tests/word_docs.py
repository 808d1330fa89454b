"""Build small synthetic .docx packages in tests: a body, and optional styles, numbering and
footnotes parts, written straight as WordprocessingML (no Word, no python-docx)."""

from __future__ import annotations

import io
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = f'xmlns:w="{W}" xmlns:r="{R}"'
_PKG_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>{extra}</Types>'
)
_PART_TYPES = {
    "styles": "styles",
    "numbering": "numbering",
    "footnotes": "footnotes",
}


def p(text: str = "", style: str | None = None, num: tuple | None = None, ppr: str = "") -> str:
    """A paragraph of one run; ``num`` is (numId, ilvl) with None for a field left out."""
    props = ""
    if style:
        props += f'<w:pStyle w:val="{style}"/>'
    if num is not None:
        num_id, ilvl = num
        inner = "" if ilvl is None else f'<w:ilvl w:val="{ilvl}"/>'
        inner += "" if num_id is None else f'<w:numId w:val="{num_id}"/>'
        props += f"<w:numPr>{inner}</w:numPr>"
    props += ppr
    run = f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
    return f"<w:p><w:pPr>{props}</w:pPr>{run}</w:p>"


def lvl(
    ilvl: int,
    text: str,
    fmt: str = "decimal",
    start: int = 1,
    extra: str = "",
) -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>'
    )


def abstract(abstract_id: int, *levels: str, extra: str = "") -> str:
    return (
        f'<w:abstractNum w:abstractNumId="{abstract_id}">{extra}{"".join(levels)}</w:abstractNum>'
    )


def num(num_id: int, abstract_id: int, overrides: str = "") -> str:
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'


def style(style_id: str, body: str = "", based_on: str | None = None, name: str = "") -> str:
    base = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return (
        f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name or style_id}"/>'
        f"{base}<w:pPr>{body}</w:pPr></w:style>"
    )


def docx(
    body: str,
    numbering: str = "",
    styles: str = "",
    footnotes: str = "",
) -> bytes:
    """A .docx package holding ``body`` (paragraph and table XML) and the given parts."""
    parts = {"styles": styles, "numbering": numbering, "footnotes": footnotes}
    out = io.BytesIO()
    rels, types = [], []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("_rels/.rels", _PKG_RELS)
        z.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f"<w:document {NS}><w:body>{body}<w:sectPr/></w:body></w:document>",
        )
        for n, (kind, content) in enumerate(parts.items(), start=1):
            if not content:
                continue
            root = {"styles": "styles", "numbering": "numbering", "footnotes": "footnotes"}[kind]
            z.writestr(
                f"word/{kind}.xml",
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f"<w:{root} {NS}>{content}</w:{root}>",
            )
            rels.append(
                f'<Relationship Id="rId{n}" Type="{R}/{_PART_TYPES[kind]}" Target="{kind}.xml"/>'
            )
            types.append(
                f'<Override PartName="/word/{kind}.xml" ContentType="application/'
                f'vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"/>'
            )
        z.writestr(
            "word/_rels/document.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(rels)
            + "</Relationships>",
        )
        z.writestr("[Content_Types].xml", _TYPES.format(extra="".join(types)))
    return out.getvalue()
