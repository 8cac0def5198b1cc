//! Arabic-correct text layout and painting on cosmic-text.
