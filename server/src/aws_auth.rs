//! AWS Signature Version 4 authentication of the AWS-compatible admin APIs (`cognito-idp`,
//! `apigateway`) against the access keys stored by [`accounts::access_keys`].
//!
//! Handlers buffer the body, then call [`verify_request`] and, on error, answer with the AWS
//! error: `SigV4Error::code()` as `__type` / `x-amzn-ErrorType`, its `Display` as the message,
//! and `SigV4Error::http_status()`.

use axum::extract::OriginalUri;
use axum::http::header::HOST;
use axum::http::request::Parts;
use master_key::MasterKey;
use sigv4::{Request, SigV4Error};
use sqlx::PgPool;

/// Verifies a SigV4-signed request against the stored access keys. Returns the access key id
/// on success.
///
/// * No `Authorization` header: [`SigV4Error::MissingAuthenticationToken`]; a malformed one:
///   [`SigV4Error::IncompleteSignature`].
/// * A credential scoped to another service than `expected_service`:
///   [`SigV4Error::InvalidCredentialScope`] ("Credential should be scoped to correct service:
///   '...'.", AWS's `InvalidSignatureException`).
/// * An unknown access key id: [`SigV4Error::InvalidClientTokenId`].
/// * A key store failure (database, or a secret the master key cannot open):
///   [`SigV4Error::InternalFailure`], with the cause logged here.
/// * Otherwise [`sigv4::verify`] with the current time (the body is always signed:
///   `UNSIGNED-PAYLOAD` does not match); only then is the key's `last_used_at` written.
///
/// The path checked is the one the client sent (axum's [`OriginalUri`] when the handler sits in
/// a nested router, whose `parts.uri` lacks the prefix). A reverse proxy in front must keep the
/// client's `Host` header and path, since both are signed. For HTTP/2 requests without a
/// `Host` header, the URI's authority stands for it.
pub async fn verify_request(
    pool: &PgPool,
    master: &MasterKey,
    parts: &Parts,
    body: &[u8],
    expected_service: &str,
) -> Result<String, SigV4Error> {
    let mut headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    if !parts.headers.contains_key(HOST)
        && let Some(authority) = parts.uri.authority()
    {
        headers.push((HOST.as_str().to_owned(), authority.as_str().to_owned()));
    }

    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map_or(&parts.uri, |original| &original.0);

    let result = async {
        let auth = sigv4::authorization_from_headers(&headers)?;
        auth.require_service(expected_service)?;
        let secret = match accounts::secret_for(pool, master, &auth.access_key_id).await {
            Ok(Some(secret)) => secret,
            Ok(None) => return Err(SigV4Error::InvalidClientTokenId),
            Err(e) => {
                tracing::error!(
                    access_key_id = %auth.access_key_id,
                    error = ?e,
                    "cannot look up the secret of an access key"
                );
                return Err(SigV4Error::InternalFailure);
            }
        };
        let request = Request {
            method: parts.method.as_str(),
            path: uri.path(),
            query: uri.query().unwrap_or(""),
            headers: &headers,
            body,
        };
        sigv4::verify(&request, &auth, &secret, time::OffsetDateTime::now_utc())?;
        // Only a verified request counts as a use of the key.
        if let Err(e) = accounts::record_key_use(pool, &auth.access_key_id).await {
            tracing::warn!(access_key_id = %auth.access_key_id, error = ?e, "cannot record the use of an access key");
        }
        Ok(auth.access_key_id)
    }
    .await;

    match &result {
        Ok(access_key_id) => {
            tracing::debug!(%access_key_id, service = expected_service, "SigV4 request verified");
        }
        Err(SigV4Error::InternalFailure) => {}
        Err(e) => {
            tracing::info!(
                service = expected_service,
                code = e.code(),
                reason = %e,
                "SigV4 request refused"
            );
        }
    }
    result
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use axum::http::Request as HttpRequest;

    fn parts(builder: axum::http::request::Builder) -> Parts {
        builder.body(()).unwrap().into_parts().0
    }

    fn lazy_pool() -> PgPool {
        // Never connected: these requests are refused before any key lookup.
        sqlx::postgres::PgPoolOptions::new()
            .connect_lazy("postgres://nobody@127.0.0.1:1/none")
            .unwrap()
    }

    #[tokio::test]
    async fn refuses_before_touching_the_database() {
        let pool = lazy_pool();
        let master = MasterKey::generate();

        let p = parts(HttpRequest::post("/cognito-idp/").header("host", "localhost"));
        assert_eq!(
            verify_request(&pool, &master, &p, b"{}", "cognito-idp").await,
            Err(SigV4Error::MissingAuthenticationToken)
        );

        let p = parts(
            HttpRequest::post("/cognito-idp/")
                .header("host", "localhost")
                .header("authorization", "Bearer abc"),
        );
        assert!(matches!(
            verify_request(&pool, &master, &p, b"{}", "cognito-idp").await,
            Err(SigV4Error::IncompleteSignature(_))
        ));

        let p = parts(
            HttpRequest::post("/cognito-idp/")
                .header("host", "localhost")
                .header("x-amz-date", "20261126T000000Z")
                .header(
                    "authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIAAAAAAAAAAAAAAAAA/20261126/us-east-1/\
                     apigateway/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
                ),
        );
        let err = verify_request(&pool, &master, &p, b"{}", "cognito-idp")
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Credential should be scoped to correct service: 'cognito-idp'."
        );
    }

    /// A request to `uri` signed now with `id`/`secret` for `service`, as an SDK would send it.
    fn signed(
        method: &str,
        uri: &str,
        body: &[u8],
        id: &str,
        secret: &str,
        service: &str,
    ) -> Parts {
        let uri: axum::http::Uri = uri.parse().unwrap();
        let amz_date = {
            let t = time::OffsetDateTime::now_utc();
            format!(
                "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        };
        let headers: Vec<(String, String)> = vec![
            ("host".into(), "gatehouse.test:3000".into()),
            ("x-amz-date".into(), amz_date),
            ("content-type".into(), "application/x-amz-json-1.1".into()),
        ];
        let request = Request {
            method,
            path: uri.path(),
            query: uri.query().unwrap_or(""),
            headers: &headers,
            body,
        };
        let authorization = sigv4::sign(
            &request,
            id,
            secret,
            "us-east-1",
            service,
            &["content-type", "host", "x-amz-date"],
        )
        .unwrap();
        let mut builder = HttpRequest::builder().method(method).uri(uri);
        for (name, value) in &headers {
            builder = builder.header(name, value);
        }
        parts(
            builder
                .header("authorization", authorization)
                .header("user-agent", "test"),
        )
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn verifies_against_stored_keys(pool: PgPool) {
        let master = MasterKey::generate();
        let key = accounts::create_access_key(&pool, &master, "", "test")
            .await
            .unwrap();
        let (id, secret) = (&key.key.access_key_id, &key.secret_access_key);
        let body = br#"{"MaxResults":10}"#;

        let p = signed("POST", "/cognito-idp/", body, id, secret, "cognito-idp");
        assert_eq!(
            verify_request(&pool, &master, &p, body, "cognito-idp").await,
            Ok(id.clone())
        );
        assert_eq!(
            verify_request(&pool, &master, &p, br#"{"MaxResults":60}"#, "cognito-idp").await,
            Err(SigV4Error::SignatureDoesNotMatch)
        );

        let p = signed(
            "POST",
            "/cognito-idp/",
            body,
            id,
            "wrong-secret-0123456789",
            "cognito-idp",
        );
        assert_eq!(
            verify_request(&pool, &master, &p, body, "cognito-idp").await,
            Err(SigV4Error::SignatureDoesNotMatch)
        );

        let p = signed(
            "POST",
            "/cognito-idp/",
            body,
            "AKIAUNKNOWN000000000",
            secret,
            "cognito-idp",
        );
        assert_eq!(
            verify_request(&pool, &master, &p, body, "cognito-idp").await,
            Err(SigV4Error::InvalidClientTokenId)
        );

        // A secret the master key cannot open is an internal failure, not a panic.
        let p = signed("POST", "/cognito-idp/", body, id, secret, "cognito-idp");
        assert_eq!(
            verify_request(&pool, &MasterKey::generate(), &p, body, "cognito-idp").await,
            Err(SigV4Error::InternalFailure)
        );

        // Deleted keys stop working.
        accounts::delete_access_key(&pool, id).await.unwrap();
        assert_eq!(
            verify_request(&pool, &master, &p, body, "cognito-idp").await,
            Err(SigV4Error::InvalidClientTokenId)
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn nested_routers_check_the_original_path(pool: PgPool) {
        let master = MasterKey::generate();
        let key = accounts::create_access_key(&pool, &master, "", "test")
            .await
            .unwrap();
        let (id, secret) = (&key.key.access_key_id, &key.secret_access_key);
        let full = "/apigateway/restapis/a%20b/resources?embed=methods&limit=25";
        let mut p = signed("GET", full, b"", id, secret, "apigateway");
        // What a router nested at /apigateway hands the handler.
        let original = p.uri.clone();
        p.uri = "/restapis/a%20b/resources?embed=methods&limit=25"
            .parse()
            .unwrap();
        assert_eq!(
            verify_request(&pool, &master, &p, b"", "apigateway").await,
            Err(SigV4Error::SignatureDoesNotMatch)
        );
        p.extensions.insert(OriginalUri(original));
        assert_eq!(
            verify_request(&pool, &master, &p, b"", "apigateway").await,
            Ok(id.clone())
        );
    }
}
