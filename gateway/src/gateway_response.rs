//! Gateway responses (reference §1.12): the one place a [`GatewayError`] becomes what the
//! client receives. Configurable gateway responses (per type, per API) belong here.

use bytes::Bytes;
use http::Response;
use http::header::{CONTENT_TYPE, HeaderValue};

use crate::error::{GatewayError, ResponseType};
use crate::response::{response, set_header};

/// `x-amzn-ErrorType` values.
pub const MISSING_AUTHENTICATION_TOKEN: &str = "MissingAuthenticationTokenException";
pub const UNAUTHORIZED: &str = "UnauthorizedException";
pub const BAD_REQUEST: &str = "BadRequestException";
pub const INTERNAL_SERVER_ERROR: &str = "InternalServerErrorException";
pub const FORBIDDEN: &str = "ForbiddenException";

/// The `x-amzn-ErrorType` a response type is sent with.
pub fn error_type(response_type: ResponseType) -> &'static str {
    match response_type {
        ResponseType::MissingAuthenticationToken => MISSING_AUTHENTICATION_TOKEN,
        ResponseType::InvalidApiKey => FORBIDDEN,
        ResponseType::Unauthorized => UNAUTHORIZED,
        ResponseType::BadRequestParameters | ResponseType::UnsupportedMediaType => BAD_REQUEST,
        ResponseType::AuthorizerConfigurationError
        | ResponseType::ApiConfigurationError
        | ResponseType::IntegrationFailure
        | ResponseType::IntegrationTimeout
        | ResponseType::Default5xx => INTERNAL_SERVER_ERROR,
    }
}

/// The response for `error`: `{"message":...}` as JSON, with `x-amzn-ErrorType`.
pub fn gateway_response(error: &GatewayError) -> Response<Bytes> {
    let body = serde_json::json!({ "message": error.message }).to_string();
    let mut resp = response(error.status, body);
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    set_header(
        &mut resp,
        "x-amzn-ErrorType",
        error_type(error.response_type),
    );
    resp
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::error::Phase;

    #[test]
    fn a_gateway_error_is_a_json_message_with_its_error_type() {
        let resp = gateway_response(&GatewayError::missing_authentication_token(Phase::Route));
        assert_eq!(resp.status(), 403);
        assert_eq!(
            resp.body().as_ref(),
            br#"{"message":"Missing Authentication Token"}"#
        );
        assert_eq!(resp.headers()["content-type"], "application/json");
        assert_eq!(
            resp.headers()["x-amzn-errortype"],
            "MissingAuthenticationTokenException"
        );
        let resp = gateway_response(&GatewayError::new(
            Phase::Authorize,
            ResponseType::Unauthorized,
            401,
            "The incoming token has expired",
        ));
        assert_eq!(resp.status(), 401);
        assert_eq!(
            resp.body().as_ref(),
            br#"{"message":"The incoming token has expired"}"#
        );
        assert_eq!(resp.headers()["x-amzn-errortype"], "UnauthorizedException");
    }
}
