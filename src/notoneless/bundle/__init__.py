"""Reading a bundle (the contract in ``spec/bundle.md``): manifest, files, header
aliases, encodings, rejects, staging into the DuckDB workspace."""
