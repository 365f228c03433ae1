"""Reusable widgets of the studio: parameter forms, preset bar, previews, live views."""
