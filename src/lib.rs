//! Khabar (خبر): a desktop explorer for archives of Arabic news.
//!
//! Data flows one way: [`corpus`] (walk, decode, header) → [`arabic`] (normalise, tokenise,
//! clitics) → [`extract`] (entities, times) → [`index`] (corpus-wide entities, aliases, events,
//! search) → `ui` panes → `export`. [`text`] lays out Arabic for every pane.
//! `corpus`, `arabic`, `extract` and `index` never depend on egui.

#![forbid(unsafe_code)]

pub mod app_dirs;
pub mod arabic;
pub mod assets;
pub mod bench;
pub mod corpus;
pub mod extract;
pub mod index;
pub mod memory;
pub mod text;

#[cfg(feature = "gui")]
pub mod export;
#[cfg(feature = "gui")]
pub mod ui;
