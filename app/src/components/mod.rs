//! Building blocks shared by console pages.

pub mod breadcrumbs;
pub mod form;
pub mod layout;
pub mod theme;
