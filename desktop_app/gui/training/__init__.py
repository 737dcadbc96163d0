"""The Pelatihan (training) tab."""
