"""Which links sit on which page of a PDF that Chromium printed (page.pdf), read with the
standard library: Chromium writes a plain cross-reference table and uncompressed dictionaries,
so a page's /Annots and each link's /URI can be read without a PDF library."""

import re

REF = rb"(\d+) 0 R"


def _objects(data: bytes) -> dict[int, bytes]:
    """Each object's bytes, cut at the offsets of the cross-reference table."""
    start = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    table = data[start:data.index(b"trailer", start)]
    offsets = [int(offset) for offset, _gen, used in
               re.findall(rb"(\d{10}) (\d{5}) ([nf])", table) if used == b"n"]
    offsets = sorted(offsets) + [start]
    objects = {}
    for here, after in zip(offsets, offsets[1:], strict=False):
        body = data[here:after]
        number = int(re.match(rb"(\d+) 0 obj", body)[1])
        objects[number] = body
    return objects


def _pages(objects: dict[int, bytes], number: int) -> list[bytes]:
    """The pages under a page-tree node, in reading order."""
    node = objects[number]
    if re.search(rb"/Type /Page\b(?!s)", node):
        return [node]
    kids = re.search(rb"/Kids \[([^\]]*)\]", node)[1]
    return [page for kid in re.findall(REF, kids) for page in _pages(objects, int(kid))]


def links_by_page(data: bytes) -> list[list[str]]:
    """The URIs of the links on each page, page by page."""
    objects = _objects(data)
    root = int(re.findall(rb"/Root " + REF, data)[-1])
    tree = int(re.search(rb"/Pages " + REF, objects[root])[1])
    pages = []
    for page in _pages(objects, tree):
        annots = re.search(rb"/Annots \[([^\]]*)\]", page)
        refs = re.findall(REF, annots[1]) if annots else []
        pages.append([uri.decode() for ref in refs
                      for uri in re.findall(rb"/URI \(([^)]*)\)", objects[int(ref)])])
    return pages
