"""The studio's themes: the system palette, or a light or dark one; text colours live here only.

Text that needs a colour of its own (an error, a verdict, a muted note) is marked with a
*tone* (:func:`set_tone`): a dynamic property the application's style sheet colours for
the theme in use, so a theme switch recolours every marked label and nothing else in the
studio names a text colour. The tones are chosen for contrast (WCAG's ratio, at least
4.5:1 against the window or their own background; :func:`contrast_ratio`), and the tests
measure it under the dark palette.

The plots and pictures stay on their light paper in every theme: they are drawings, shown
as they export.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap, QPolygonF
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

THEME_KEY = "view/theme"
#: The choices of View → Theme: the system's palette, or one of the studio's own.
THEMES = ("system", "light", "dark")

#: The studio's own palettes: (role, colour) for every group.
PALETTES: dict[str, dict[QPalette.ColorRole, str]] = {
    "light": {
        QPalette.ColorRole.Window: "#efefef",
        QPalette.ColorRole.WindowText: "#1b1b1f",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f5f5f5",
        QPalette.ColorRole.Text: "#1b1b1f",
        QPalette.ColorRole.Button: "#e6e6e6",
        QPalette.ColorRole.ButtonText: "#1b1b1f",
        QPalette.ColorRole.ToolTipBase: "#ffffdc",
        QPalette.ColorRole.ToolTipText: "#1b1b1f",
        QPalette.ColorRole.PlaceholderText: "#5f5f66",
        QPalette.ColorRole.Highlight: "#2f65ca",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#1d4fb0",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Light: "#ffffff",
        QPalette.ColorRole.Midlight: "#e3e3e3",
        QPalette.ColorRole.Mid: "#b8b8b8",
        QPalette.ColorRole.Dark: "#9f9f9f",
        QPalette.ColorRole.Shadow: "#767676",
    },
    "dark": {
        QPalette.ColorRole.Window: "#2b2b2e",
        QPalette.ColorRole.WindowText: "#e8e8ea",
        QPalette.ColorRole.Base: "#1f1f22",
        QPalette.ColorRole.AlternateBase: "#26262a",
        QPalette.ColorRole.Text: "#e8e8ea",
        QPalette.ColorRole.Button: "#3a3a3f",
        QPalette.ColorRole.ButtonText: "#e8e8ea",
        QPalette.ColorRole.ToolTipBase: "#3a3a3f",
        QPalette.ColorRole.ToolTipText: "#e8e8ea",
        QPalette.ColorRole.PlaceholderText: "#a8a8b0",
        QPalette.ColorRole.Highlight: "#3d74d9",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#8ab4ff",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Light: "#505056",
        QPalette.ColorRole.Midlight: "#444449",
        QPalette.ColorRole.Mid: "#303034",
        QPalette.ColorRole.Dark: "#1c1c1f",
        QPalette.ColorRole.Shadow: "#0c0c0e",
    },
}
#: Disabled text in each palette (still legible, clearly dimmer).
DISABLED_TEXT = {"light": "#8c8c92", "dark": "#7c7c84"}

#: Tones of marked text, per kind of palette: (text colour, background or None for the
#: window's own). ``info`` takes the palette's text colour.
TONES: dict[str, dict[str, tuple[str | None, str | None]]] = {
    "light": {
        "info": (None, None),
        "error": ("#8a1c12", "#fbe3df"),
        "warning": ("#6b4700", "#fff1c9"),
        "good": ("#1a6b2d", None),
        "bad": ("#9b1c10", None),
        "muted": ("#505058", None),
        "hint": ("#18407f", "#e3ecfb"),
    },
    "dark": {
        "info": (None, None),
        "error": ("#ffc9c0", "#5a1d16"),
        "warning": ("#ffe08a", "#4a3a12"),
        "good": ("#86e29b", None),
        "bad": ("#ff9c8c", None),
        "muted": ("#b9b9c1", None),
        "hint": ("#cfe0ff", "#1f3358"),
    },
}
#: Text on the plots' paper, which stays white in every theme: axes, and an empty view's
#: words (contrast 12.6:1 and 7.4:1 on white).
PLOT_TEXT = "#333333"
PLOT_MUTED = "#55555c"
#: Padded tones (a box around the text).
BOXED = ("error", "warning", "hint", "info")

_system: QPalette | None = None
_system_style: str | None = None
_current = "system"


def is_dark(palette: QPalette | None = None) -> bool:
    """True when ``palette`` (default: the application's) has light text on a dark window."""
    p = palette if palette is not None else QGuiApplication.palette()
    return (
        p.color(QPalette.ColorRole.Window).lightness()
        < p.color(QPalette.ColorRole.WindowText).lightness()
    )


def kind(palette: QPalette | None = None) -> str:
    """'dark' or 'light': which set of tones suits ``palette``."""
    return "dark" if is_dark(palette) else "light"


def palette(name: str) -> QPalette:
    """The studio's own ``light`` or ``dark`` palette."""
    p = QPalette()
    for role, colour in PALETTES[name].items():
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):  # fmt: skip
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(DISABLED_TEXT[name]))
    return p


def tone_colours(tone: str, palette_: QPalette | None = None) -> tuple[QColor, QColor]:
    """(text, background) of ``tone`` under ``palette_`` (default: the application's)."""
    p = palette_ if palette_ is not None else QGuiApplication.palette()
    fg, bg = TONES[kind(p)][tone]
    text = QColor(fg) if fg else p.color(QPalette.ColorRole.WindowText)
    back = QColor(bg) if bg else p.color(QPalette.ColorRole.Window)
    return text, back


def style_sheet(palette_: QPalette | None = None) -> str:
    """The application's style sheet: one rule per tone, for ``palette_``'s kind."""
    rules = []
    for tone, (fg, bg) in TONES[kind(palette_)].items():
        parts = []
        if fg:
            parts.append(f"color: {fg};")
        if bg:
            parts.append(f"background: {bg};")
        if tone in BOXED:
            parts.append("padding: 4px; border-radius: 3px;")
        rules.append(f'QLabel[tone="{tone}"] {{ {" ".join(parts)} }}')
    return "\n".join(rules)


def set_tone(widget: QWidget, tone: str | None) -> None:
    """Mark ``widget``'s text with ``tone`` (None: the palette's own colours)."""
    if tone is not None and tone not in TONES["light"]:
        raise ValueError(f"unknown tone {tone!r}; tones: {', '.join(TONES['light'])}")
    if widget.property("tone") == tone:
        return
    widget.setProperty("tone", tone)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def current() -> str:
    return _current


def saved() -> str:
    value = QSettings().value(THEME_KEY)
    return value if value in THEMES else "system"


def apply(name: str, app: QApplication | None = None, *, remember: bool = True) -> None:
    """Use the theme ``name`` (``system``, ``light`` or ``dark``) in the whole application."""
    global _system, _system_style, _current
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}; themes: {', '.join(THEMES)}")
    app = app or QApplication.instance()
    if _system is None:
        _system = QPalette(app.palette())
        _system_style = app.style().name()
    if name == "system":
        if _system_style and app.style().name() != _system_style:
            app.setStyle(_system_style)
        p = QPalette(_system)
    else:
        # Fusion draws every role of the palette (some platform styles ignore it).
        if app.style().name().lower() != "fusion":
            app.setStyle(QStyleFactory.create("Fusion"))
        p = palette(name)
    app.setPalette(p)
    app.setStyleSheet(style_sheet(p))
    _current = name
    if remember:
        QSettings().setValue(THEME_KEY, name)


def install(app: QApplication | None = None) -> None:
    """Apply the theme the user chose last (the system's at first)."""
    apply(saved(), app, remember=False)


def luminance(colour: QColor) -> float:
    """WCAG relative luminance of ``colour`` (0 black to 1 white)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))  # fmt: skip


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours, 1 (same) to 21 (black on white)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


#: The tool bars' icons, drawn in the palette's button text (so they show in every theme).
ICONS = ("run", "pause", "cancel", "export")


def action_icon(name: str, palette_: QPalette | None = None, size: int = 32) -> QIcon:
    """A plain icon for a tab's action: run ▶, pause ❚❚, cancel ■, export (an arrow into a
    tray), in the text colour of ``palette_`` (default: the application's)."""
    p = palette_ if palette_ is not None else QGuiApplication.palette()
    colour = p.color(QPalette.ColorRole.ButtonText)
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    u = size / 16
    if name == "run":
        painter.drawPolygon(QPolygonF([QPointF(4 * u, 2 * u), QPointF(14 * u, 8 * u),
                                       QPointF(4 * u, 14 * u)]))  # fmt: skip
    elif name == "pause":
        painter.drawRect(QRectF(3.5 * u, 2.5 * u, 3 * u, 11 * u))
        painter.drawRect(QRectF(9.5 * u, 2.5 * u, 3 * u, 11 * u))
    elif name == "cancel":
        painter.drawRect(QRectF(3 * u, 3 * u, 10 * u, 10 * u))
    elif name == "export":
        painter.drawRect(QRectF(7 * u, 1.5 * u, 2 * u, 6.5 * u))
        painter.drawPolygon(QPolygonF([QPointF(4 * u, 7 * u), QPointF(12 * u, 7 * u),
                                       QPointF(8 * u, 11 * u)]))  # fmt: skip
        painter.drawRect(QRectF(2 * u, 12.5 * u, 12 * u, 2 * u))
    else:
        painter.end()
        raise ValueError(f"unknown icon {name!r}; icons: {', '.join(ICONS)}")
    painter.end()
    return QIcon(pixmap)
