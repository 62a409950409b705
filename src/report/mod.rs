//! `jinbao report`: the province's assessment as something to mail around — one
//! self-contained HTML page, or the province table as CSV or Markdown.

pub mod html;
pub mod svg;
pub mod table;
pub mod words;

pub use html::{Made, Report};
