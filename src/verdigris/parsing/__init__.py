"""Request bodies and query strings -> validated, typed values: the one layer that reads
what a client sent. Every 400 of SPEC.md is raised here, naming the field; below it,
storage and search receive validated values only. Pure: no I/O (what needs the
database, such as custom field definitions, comes in as a value or a callable)."""
