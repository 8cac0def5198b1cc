//! The integration-test binary (one link step for all of them): the corpus layer on generated
//! and hand-made folders, the `khabar list` and `khabar export`
//! commands run as processes, the folder watcher and the desktop packaging files.

mod analysis;
mod bad_input;
mod cli_list;
mod corpus;
mod desktop;
mod duplicates;
mod export;
mod fuzz;
mod notes;
mod prebuilt;
mod sharding;
mod watch;
