"""A missing bundled file is named in a dialog and logged; a whole install sets the app icon."""

from __future__ import annotations

import logging

from desktop_app import bundle_check
from desktop_app.gui.startup_checks import check_installation


def test_missing_resource_is_named_and_logged(qapp, monkeypatch, message_boxes, caplog):
    monkeypatch.setattr(
        bundle_check,
        "REQUIRED_RESOURCES",
        (("wilayah", "kota_blitar_wilayah.csv"), ("wilayah", "hilang.csv")),
    )
    with caplog.at_level(logging.ERROR):
        assert check_installation(qapp) is False
    [(kind, title, text)] = message_boxes.shown
    assert kind == "critical" and title == "Berdaya tidak dapat dimulai"
    assert "wilayah/hilang.csv" in text and "kota_blitar" not in text
    assert "wilayah/hilang.csv" in caplog.text


def test_whole_install_sets_the_window_icon(qapp, message_boxes):
    assert check_installation(qapp) is True
    assert not qapp.windowIcon().isNull()
    assert message_boxes.shown == []
