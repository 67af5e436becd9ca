"""Japanese language layer: normalization, fugashi tokenization in spaCy, domain entities."""
