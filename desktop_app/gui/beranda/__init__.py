"""The Beranda tab (dashboard): key figures, round progress, stages, training, data quality."""
