//! PNG screenshots and CSV/JSON tables.
