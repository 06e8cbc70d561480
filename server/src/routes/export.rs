//! `GET /apis/{api_id}/export/file?spec=&format=&extensions=&stage=`: an API's Swagger/OpenAPI
//! export as a file download (the console's Export page links here). Behind the session guard
//! like every console path; the document is built by the same code as the page's copyable view.

use app::pages::apis::export::{ExportChoice, ssr::export};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

pub async fn download(
    State(state): State<AppState>,
    Path(api_id): Path<apis::RestApiId>,
    Query(choice): Query<ExportChoice>,
) -> Response {
    match export(&state, &api_id, &choice).await {
        Ok(doc) => (
            [
                (header::CONTENT_TYPE, doc.content_type),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"{}\"",
                        doc.file_name.replace('"', "")
                    ),
                ),
            ],
            doc.text,
        )
            .into_response(),
        Err(e) => {
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if status.is_server_error() {
                tracing::error!(api.id = %api_id, error = %e, "API export failed");
                return (
                    status,
                    "Something went wrong on the server. Please try again.",
                )
                    .into_response();
            }
            (status, e.to_string()).into_response()
        }
    }
}
