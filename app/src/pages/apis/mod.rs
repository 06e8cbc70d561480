//! REST APIs in the console: list, resources and methods (method execution view), Cognito
//! authorizers with their test tool, and stages/deployments.
//!
//! * [`list`]: `/apis`, every API, creating one and deleting one (with what goes with it).
//! * [`api`]: `/apis/{api_id}?tab=resources|authorizers|stages`, an API's header and tabs.
//! * [`resources`]: the Resources tab (the resource tree, child resources, new methods).
//! * [`import`]: `/apis/import` and `/apis/{api_id}/import`, Swagger/OpenAPI import with a
//!   preview; [`export`]: `/apis/{api_id}/export`, the document to copy or download.
//! * [`method`]: `/apis/{api_id}/resources/{resource_id}/methods/{http_method}`, the method
//!   execution view; its four edit forms are in [`method_request`], [`integration_request`]
//!   and [`responses`].
//!
//! Every server function starts with `require_admin()` and calls `apis::store` with the
//! console's database pool; the crate's errors come back beside the form field they name.

pub mod api;
pub mod api_details;
pub mod authorizers;
pub mod export;
pub mod import;
pub mod integration_request;
pub mod list;
pub mod method;
pub mod method_request;
pub mod method_test;
pub mod method_view;
pub mod resources;
pub mod responses;
pub mod rows;
pub mod shared;
pub mod stage_logs;
pub mod stages;
pub mod template_preview;

pub use api::ApiPage;
pub use export::ExportApiPage;
pub use import::{ImportApiPage, ImportIntoApiPage};
pub use list::ApisPage;
pub use method::MethodPage;
