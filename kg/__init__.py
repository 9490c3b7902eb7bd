"""The knowledge graph: RDF model (vocab, rdf), on-disk store, builds, SPARQL, stats, views."""
