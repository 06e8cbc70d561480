//! Building blocks shared by console pages.

pub mod breadcrumbs;
pub mod code_editor;
pub mod copy_button;
pub mod form;
pub mod layout;
pub mod load_error;
pub mod style;
pub mod tabs;
pub mod theme;
