//! Rendering mapping templates against a [`RequestCtx`]: straight-line templates by
//! substitution, the rest in full (long renders on the blocking pool).

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use super::RequestCtx;

impl RequestCtx {
    /// What a straight-line template's `source` reads: the same values
    /// [`RequestCtx::vtl_context`] gives a full render.
    fn source_value(&self, source: &vtl::Source) -> Option<Cow<'_, str>> {
        match source {
            vtl::Source::Context(key) => self.context_value(key),
            vtl::Source::Identity(key) => self.identity_value(key).map(Cow::Borrowed),
            vtl::Source::Claim(name) => self.claim(name).map(Cow::Borrowed),
            vtl::Source::PrincipalId => self.claim("sub").map(Cow::Borrowed),
            vtl::Source::StageVariable(name) => self
                .stage
                .variables
                .get(&**name)
                .map(|v| Cow::Borrowed(v.as_str())),
        }
    }

    /// Renders `template` with `body` as `$input.body`: by substitution when it is
    /// straight-line (no `$context` map is built), else in full ([`render_full`]).
    pub async fn render(
        &self,
        template: &Arc<vtl::Template>,
        body: &str,
        overrides: vtl::Overrides,
    ) -> Result<vtl::Rendered, vtl::RenderError> {
        let Some(pieces) = template.straight() else {
            let vctx = self.vtl_context(template, body.to_owned(), overrides);
            // Boxed: the full renderer's state (a whole `vtl::Context`) would otherwise be part
            // of every request's future, which is moved and kept per connection.
            return Box::pin(render_full(template, vctx)).await;
        };
        let mut out = String::with_capacity(template.source().len() + 64);
        for piece in pieces {
            match piece {
                vtl::Piece::Text(text) => out.push_str(text),
                vtl::Piece::Value(source) => {
                    if let Some(value) = self.source_value(source) {
                        out.push_str(&value);
                    }
                }
            }
        }
        let limit = template.limits().max_output_bytes;
        if out.len() > limit {
            return Err(vtl::RenderError::OutputLimit { limit });
        }
        Ok(vtl::Rendered {
            body: out,
            overrides,
        })
    }

    /// The context `template` renders against: `$input`, `$context`, `$stageVariables`.
    fn vtl_context(
        &self,
        template: &vtl::Template,
        body: String,
        overrides: vtl::Overrides,
    ) -> vtl::Context {
        let mut c = vtl::Context::default();
        c.input.body = body;
        c.input.path = self.route.params.clone();
        c.input.querystring = self.query.clone();
        c.input.header = self.header_pairs().to_vec();
        // Only the entries the template can read are copied (it builds no others either).
        let entry = |key: &str| {
            template
                .reads_context(key)
                .then(|| self.context_value(key).map(Cow::into_owned))
                .flatten()
        };
        let r = &mut c.request;
        r.api_id = entry("apiId");
        r.stage = entry("stage");
        r.http_method = entry("httpMethod");
        r.path = entry("path");
        r.request_id = entry("requestId");
        r.extended_request_id = entry("extendedRequestId");
        r.request_time = entry("requestTime");
        r.request_time_epoch = Some(self.now.saturating_mul(1000));
        r.resource_id = entry("resourceId");
        r.resource_path = entry("resourcePath");
        r.protocol = entry("protocol");
        if template.reads_context("identity") {
            r.identity.user_agent = self.identity_value("userAgent").map(str::to_owned);
            r.identity.source_ip = self.identity_value("sourceIp").map(str::to_owned);
        }
        r.authorizer.claims = self
            .claims
            .iter()
            .filter(|(k, _)| template.reads_claim(k))
            .cloned()
            .collect();
        r.authorizer.principal_id = self.claim("sub").map(str::to_owned);
        c.stage_variables = self
            .stage
            .variables
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        c.overrides = overrides;
        c
    }
}

/// Steps a full render may take on the async worker that runs the request. Nearly every
/// template needs far fewer; one that needs more is started again on the blocking pool, so a
/// slow template never holds a worker (and the requests queued on it) for long.
pub const INLINE_RENDER_STEPS: u64 = 10_000;

/// At most this many long renders run at once (one per core): the rest wait for a slot, for
/// at most their template's time budget.
fn long_render_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        tokio::sync::Semaphore::new(cores)
    })
}

/// Renders `template` in full: on this worker within [`INLINE_RENDER_STEPS`], else again from
/// the start on the blocking pool under the template's own limits (rendering has no side
/// effects, so the rerun gives what one uninterrupted render would).
pub async fn render_full(
    template: &Arc<vtl::Template>,
    vctx: vtl::Context,
) -> Result<vtl::Rendered, vtl::RenderError> {
    let limits = template.limits();
    if limits.max_steps <= INLINE_RENDER_STEPS {
        return template.render(&vctx);
    }
    let inline = vtl::Limits {
        max_steps: INLINE_RENDER_STEPS,
        ..limits.clone()
    };
    match template.render_with(&vctx, &inline) {
        Err(vtl::RenderError::StepLimit { .. }) => {}
        done => return done,
    }
    // Waiting for a slot counts against the render's time budget.
    let budget = limits.max_duration.unwrap_or(LONG_RENDER_WAIT);
    let slot = match tokio::time::timeout(budget, long_render_slots().acquire()).await {
        Ok(Ok(slot)) => slot,
        _ => return Err(vtl::RenderError::TimeLimit { limit: budget }),
    };
    let template = Arc::clone(template);
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        template.render(&vctx)
    })
    .await
    .unwrap_or_else(|e| {
        Err(vtl::RenderError::Runtime {
            line: 0,
            column: 0,
            message: format!("the render stopped: {e}"),
        })
    })
}

/// How long a long render waits for a slot when its template has no time budget.
const LONG_RENDER_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// The template's text when it has no references or directives (no `$`, no `#`): its own
/// output, so no template context is built for it (MOCK's `{"statusCode": 200}`).
pub(crate) fn plain_text(template: &vtl::Template) -> Option<&str> {
    let source = template.source();
    (!source.contains(['$', '#'])).then_some(source)
}
