//! Arabic for matching, never for display: [`normalize`] (hamza/alef/ya/ta marbuta,
//! tashkeel, tatweel, digits), tokenisation with code-point offsets, proclitic splitting and
//! sentence boundaries. Used by `extract` and `index`.

pub mod clitics;
pub mod normalize;
pub mod sentences;
pub mod tokenize;

pub use normalize::{fold_char, normalize, normalize_with_offsets};
