"""One demo region per node (``TONGBAN_NODE_CODE``): which of the demo's rows a node of the federation loads
(pure data rules, no Django). A node holds its own county's departments, centres, staff and items, and those
of the city and province above it (a 公积金 centre of the city, a province's department); every node knows
all the demo's divisions, so a case can name the region where it was received."""

from __future__ import annotations

from .regions import DIVISIONS

PARENTS = {code: parent for code, _, parent in DIVISIONS}
NAMES = {code: name for code, name, _ in DIVISIONS}


def region(node_code: str) -> frozenset[str]:
    """The node's division and every division above it (6-digit codes); empty: the single-node demo."""
    if not node_code:
        return frozenset()
    if node_code not in PARENTS:
        raise ValueError(f"演示数据中没有行政区划{node_code}")
    out, code = [], node_code
    while code:
        out.append(code)
        code = PARENTS[code] or ""
    return frozenset(out)


def full_name(node_code: str) -> str:
    """浙江省诸暨市, 山东省枣庄市市中区: the province, a city unless the county is directly under it, the county."""
    chain, code = [], node_code
    while code:
        chain.append(NAMES[code])
        code = PARENTS[code] or ""
    return "".join(reversed(chain))


def on_node(division: str, node_region: frozenset[str]) -> bool:
    """Whether a row of ``division`` (6-, 9- or 12-digit) belongs on the node; everything without a node."""
    return not node_region or division[:6] in node_region
