"""Reading Chinese news corpora: decode, repair PDF damage, split pieces and sentences."""
