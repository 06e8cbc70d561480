//! Compiling deployment snapshots into one immutable [`Gateway`] table: a route tree per
//! (api, stage) and every mapping template and selection pattern pre-parsed.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use apis::model::{DeploymentSnapshot, HttpMethod, Integration, IntegrationResponse, Method};
use apis::{ResourceId, RestApiId, StageName};
use regex::Regex;

use crate::routes::RouteNode;

/// One stage to serve: what `apis::store::stage_snapshot` returns, flattened.
#[derive(Debug, Clone)]
pub struct StageInput {
    pub rest_api_id: RestApiId,
    pub stage_name: StageName,
    pub variables: BTreeMap<String, String>,
    pub snapshot: DeploymentSnapshot,
}

/// Templates keyed by content type, in the snapshot's (sorted) order.
pub type Templates = Vec<(String, Arc<vtl::Template>)>;

/// An integration response with its selection pattern compiled (full-match).
#[derive(Debug)]
pub struct CompiledIntegrationResponse {
    pub response: IntegrationResponse,
    /// `None`: the default response (no or empty pattern).
    pub pattern: Option<Regex>,
    pub templates: Templates,
}

/// A method ready to run.
#[derive(Debug)]
pub struct CompiledMethod {
    pub method: Method,
    pub request_templates: Templates,
    pub responses: Vec<CompiledIntegrationResponse>,
    /// Every configuration error found at compile time (template parse errors with line:column,
    /// invalid selection patterns). A method with errors answers 500 and logs them.
    pub errors: Vec<String>,
}

impl CompiledMethod {
    pub fn integration(&self) -> Option<&Integration> {
        self.method.method_integration.as_ref()
    }
}

/// A resource's methods.
#[derive(Debug)]
pub struct CompiledResource {
    pub id: ResourceId,
    /// Shared with every request's summary and log entry.
    pub path: Arc<str>,
    pub methods: BTreeMap<HttpMethod, CompiledMethod>,
}

impl CompiledResource {
    /// The method serving `method` (exact verb first, then `ANY`).
    pub fn method_for(&self, method: HttpMethod) -> Option<&CompiledMethod> {
        self.methods
            .get(&method)
            .or_else(|| self.methods.get(&HttpMethod::Any))
    }
}

/// One deployed stage.
#[derive(Debug)]
pub struct CompiledStage {
    pub rest_api_id: RestApiId,
    pub stage_name: StageName,
    pub variables: BTreeMap<String, String>,
    pub snapshot: DeploymentSnapshot,
    pub routes: RouteNode,
    pub resources: Vec<CompiledResource>,
}

/// Stages by name, hashed with foldhash (looked up on every request; a lookup inserts nothing,
/// so attacker-chosen names cannot degrade the table).
type ByName<T> = HashMap<String, T, foldhash::fast::RandomState>;

/// The whole table the runtime serves from; immutable once built.
#[derive(Debug, Default)]
pub struct Gateway {
    /// restApiId → stage name → stage (nested, so that a lookup by `&str` allocates nothing).
    stages: ByName<ByName<Arc<CompiledStage>>>,
    len: usize,
}

impl Gateway {
    /// Compiles every stage. Never fails: template and pattern errors are recorded on the method.
    pub fn compile(stages: impl IntoIterator<Item = StageInput>) -> Gateway {
        let mut by_api: ByName<ByName<Arc<CompiledStage>>> = ByName::default();
        let mut len = 0;
        for s in stages {
            // Keyed by plain strings: requests look stages up by their raw path segments.
            let (api, name) = (s.rest_api_id.to_string(), s.stage_name.to_string());
            let previous = by_api
                .entry(api)
                .or_default()
                .insert(name, Arc::new(compile_stage(s)));
            len += usize::from(previous.is_none());
        }
        let gateway = Gateway {
            stages: by_api,
            len,
        };
        for error in gateway.errors() {
            tracing::error!("gateway snapshot: {error} (the method answers 500)");
        }
        gateway
    }

    pub fn stage(&self, rest_api_id: &str, stage_name: &str) -> Option<&Arc<CompiledStage>> {
        self.stages.get(rest_api_id)?.get(stage_name)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every configuration error, as `api/stage METHOD /path: error` lines.
    pub fn errors(&self) -> Vec<String> {
        let mut out = Vec::new();
        for stage in self.stages.values().flat_map(|stages| stages.values()) {
            for r in &stage.resources {
                for (verb, m) in &r.methods {
                    for e in &m.errors {
                        out.push(format!(
                            "{}/{} {verb} {}: {e}",
                            stage.rest_api_id, stage.stage_name, r.path
                        ));
                    }
                }
            }
        }
        out.sort();
        out
    }
}

fn compile_stage(input: StageInput) -> CompiledStage {
    let mut routes = RouteNode::default();
    let mut resources = Vec::with_capacity(input.snapshot.resources.len());
    for (idx, resource) in input.snapshot.resources.iter().enumerate() {
        let methods: BTreeMap<HttpMethod, CompiledMethod> = resource
            .resource_methods
            .iter()
            .map(|(verb, m)| (*verb, compile_method(m)))
            .collect();
        if !methods.is_empty() {
            routes.insert(&resource.path, idx, methods.keys().copied().collect());
        }
        resources.push(CompiledResource {
            id: resource.id.clone(),
            path: resource.path.as_str().into(),
            methods,
        });
    }
    CompiledStage {
        rest_api_id: input.rest_api_id,
        stage_name: input.stage_name,
        variables: input.variables,
        snapshot: input.snapshot,
        routes,
        resources,
    }
}

fn compile_templates(
    what: &str,
    templates: &BTreeMap<String, String>,
    errors: &mut Vec<String>,
) -> Templates {
    let mut out = Vec::new();
    for (content_type, source) in templates {
        match vtl::Template::parse(source) {
            Ok(t) => out.push((content_type.to_ascii_lowercase(), Arc::new(t))),
            Err(e) => errors.push(format!(
                "{what} template for {content_type} does not parse: {}",
                e.message
            )),
        }
    }
    out
}

/// Compiles one method's templates and selection patterns.
pub fn compile_method(method: &Method) -> CompiledMethod {
    let mut errors = Vec::new();
    let mut request_templates = Vec::new();
    let mut responses = Vec::new();
    if let Some(integration) = &method.method_integration {
        request_templates =
            compile_templates("request", &integration.request_templates, &mut errors);
        for (status, response) in &integration.integration_responses {
            let pattern = match response.selection_pattern.as_deref() {
                None | Some("") => None,
                Some(p) => match Regex::new(&format!("^(?s:{p})$")) {
                    Ok(r) => Some(r),
                    Err(e) => {
                        errors.push(format!(
                            "selection pattern {p:?} of integration response {status} is invalid: {e}"
                        ));
                        None
                    }
                },
            };
            let templates = compile_templates(
                &format!("integration response {status}"),
                &response.response_templates,
                &mut errors,
            );
            responses.push(CompiledIntegrationResponse {
                response: response.clone(),
                pattern,
                templates,
            });
        }
    }
    CompiledMethod {
        method: method.clone(),
        request_templates,
        responses,
        errors,
    }
}
