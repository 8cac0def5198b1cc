//! The integration-test binary (one link step for all of them): the corpus layer on generated
//! and hand-made folders, and the `khabar list` command run as a process.

mod analysis;
mod bad_input;
mod cli_list;
mod corpus;
mod sharding;
