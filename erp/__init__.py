"""System of record: the built-in ERP store, CSV interchange and ERP connectors (all I/O)."""
