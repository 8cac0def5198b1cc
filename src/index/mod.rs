//! The corpus model: entity clusters and aliases, events, search.
