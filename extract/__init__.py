"""Extraction: segmentation, entities, metrics, relations and entity resolution."""
