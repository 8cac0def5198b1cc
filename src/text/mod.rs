//! Arabic-correct text layout on cosmic-text's fonts and HarfBuzz's Rust port: bidi
//! (UAX #9), script and font itemisation like Pango, shaping, line breaking (UAX #14),
//! visual reordering, right alignment, hit-testing, and the "ref-layout 1" dump that proves
//! parity with FriBidi + HarfBuzz + Pango. No egui here: painting lives beside it.

pub mod bench;
pub mod dump;
pub mod fonts;
pub mod hit;
pub mod itemize;
pub mod layout;
pub mod linebreak;

pub use itemize::BaseDirection;
pub use layout::{
    ArabicFace, LayoutLine, LayoutParams, LayoutRun, ParagraphLayout, ParagraphMetrics, PositionedGlyph,
    TextEngine,
};

#[cfg(feature = "gui")]
pub mod atlas;
#[cfg(feature = "gui")]
pub mod bench_frame;
#[cfg(feature = "gui")]
pub mod document_view;
#[cfg(feature = "gui")]
pub mod find;
#[cfg(feature = "gui")]
pub mod input;
#[cfg(feature = "gui")]
pub mod label;
#[cfg(feature = "gui")]
pub mod painter;
