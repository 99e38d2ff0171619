"""The only package that touches the database: schema, engine, reads and writes per resource."""
