"""The Penyaluran tab: the distribution counter."""
