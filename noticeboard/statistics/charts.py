"""Bar charts drawn on the server as SVG: the page needs no JavaScript and no npm step, and
each chart stands beside its table (the table is what screen readers and exports use)."""

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 640, 240
LEFT, BOTTOM, TOP = 56, 28, 12
COLOURS = ("#1f6f8b", "#d1495b", "#edae49")


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass
class Chart:
    title: str
    unit: str
    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[float, str]]  # x, month label
    ticks: list[tuple[float, str]]  # y, value
    legend: list[tuple[str, str]]  # colour, series name
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    step = 10 ** (len(str(int(value))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * step:
            return factor * step
    return 10 * step


def bar_chart(
    title: str, unit: str, labels: list[str], series: list[tuple[str, list[float | Decimal]]]
) -> Chart:
    """Grouped bars, one group per label (month), one bar per series."""
    top = _nice_max(max((float(v) for _, values in series for v in values), default=0))
    plot_height = HEIGHT - BOTTOM - TOP
    group = (WIDTH - LEFT - 8) / max(len(labels), 1)
    bar_width = group * 0.8 / max(len(series), 1)
    bars = []
    for s, (name, values) in enumerate(series):
        for i, value in enumerate(values):
            height = float(value) / top * plot_height
            x = LEFT + i * group + group * 0.1 + s * bar_width
            bars.append(
                Bar(x, HEIGHT - BOTTOM - height, bar_width, height, COLOURS[s % 3],
                    f"{labels[i]} {name}：{value}{unit}")
            )  # fmt: skip
    ticks = [(HEIGHT - BOTTOM - plot_height * k / 4, f"{top * k / 4:g}") for k in range(5)]
    return Chart(
        title,
        unit,
        WIDTH,
        HEIGHT,
        bars,
        [(LEFT + i * group + group / 2, label) for i, label in enumerate(labels)],
        ticks,
        [(COLOURS[s % 3], name) for s, (name, _) in enumerate(series)],
    )
