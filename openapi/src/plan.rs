//! What an import makes of the API (merge / overwrite) and the preview of the differences.

use std::collections::BTreeSet;

use apis::store::ApiDefinition;

use crate::read::Read;
use crate::{Change, ChangeKind, ImportMode};

/// The API after the import. `current` is the API's definition now (`None` for a new API).
pub(crate) fn desired(
    mode: ImportMode,
    current: Option<&ApiDefinition>,
    read: &Read,
) -> ApiDefinition {
    match (mode, current) {
        (ImportMode::Merge, Some(current)) => merge(current, read),
        _ => read.definition.clone(),
    }
}

/// API Gateway's merge: the union of both; a method the document names replaces the existing
/// one as a whole; authorizers the document defines replace those of the same name.
fn merge(current: &ApiDefinition, read: &Read) -> ApiDefinition {
    let mut out = current.clone();
    let doc = &read.definition;
    for (name, a) in &doc.authorizers {
        out.authorizers.insert(name.clone(), a.clone());
    }
    for (path, methods) in &doc.resources {
        let slot = out.resources.entry(path.clone()).or_default();
        for (verb, m) in methods {
            slot.insert(*verb, m.clone());
        }
    }
    let v = &doc.request_validators;
    out.request_validators
        .validators
        .extend(v.validators.iter().map(|(k, x)| (k.clone(), x.clone())));
    if v.default.is_some() {
        out.request_validators.default = v.default.clone();
    }
    for (path, verb) in &read.named_methods {
        let key = format!("{verb} {path}");
        match v.methods.get(&key) {
            Some(name) => {
                out.request_validators.methods.insert(key, name.clone());
            }
            None => {
                out.request_validators.methods.remove(&key);
            }
        }
    }
    out
}

fn change(kind: ChangeKind, entity: &str, what: impl Into<String>) -> Change {
    Change {
        kind,
        entity: entity.to_owned(),
        what: what.into(),
    }
}

/// The differences between `current` (`None`: no API yet) and `desired`: the API itself,
/// authorizers, resources, then methods.
pub(crate) fn changes(current: Option<&ApiDefinition>, desired: &ApiDefinition) -> Vec<Change> {
    let mut out = Vec::new();
    let empty = ApiDefinition::new(&desired.name);
    let before = match current {
        None => {
            out.push(change(ChangeKind::Create, "api", desired.name.clone()));
            &empty
        }
        Some(c) => {
            if c.name != desired.name
                || c.description != desired.description
                || c.request_validators != desired.request_validators
            {
                out.push(change(ChangeKind::Update, "api", desired.name.clone()));
            }
            c
        }
    };
    for (name, a) in &desired.authorizers {
        match before.authorizers.get(name) {
            None => out.push(change(ChangeKind::Create, "authorizer", name.clone())),
            Some(old) if !same_authorizer(old, a) => {
                out.push(change(ChangeKind::Update, "authorizer", name.clone()));
            }
            Some(_) => {}
        }
    }
    for name in before.authorizers.keys() {
        if !desired.authorizers.contains_key(name) {
            out.push(change(ChangeKind::Delete, "authorizer", name.clone()));
        }
    }
    let old_paths: BTreeSet<String> = before.all_paths();
    let new_paths: BTreeSet<String> = desired.all_paths();
    for p in new_paths.difference(&old_paths) {
        out.push(change(ChangeKind::Create, "resource", p.clone()));
    }
    for p in old_paths.difference(&new_paths) {
        out.push(change(ChangeKind::Delete, "resource", p.clone()));
    }
    for (path, methods) in &desired.resources {
        let old = before.resources.get(path);
        for (verb, m) in methods {
            let what = format!("{verb} {path}");
            match old.and_then(|o| o.get(verb)) {
                None => out.push(change(ChangeKind::Create, "method", what)),
                Some(o) if o != m => out.push(change(ChangeKind::Update, "method", what)),
                Some(_) => {}
            }
        }
    }
    for (path, methods) in &before.resources {
        for verb in methods.keys() {
            let kept = desired
                .resources
                .get(path)
                .is_some_and(|m| m.contains_key(verb));
            if !kept {
                out.push(change(
                    ChangeKind::Delete,
                    "method",
                    format!("{verb} {path}"),
                ));
            }
        }
    }
    out
}

/// Compares with defaults filled in (the store fills them on write).
fn same_authorizer(a: &apis::AuthorizerSettings, b: &apis::AuthorizerSettings) -> bool {
    let norm = |s: &apis::AuthorizerSettings| {
        (
            s.provider_arns.clone(),
            s.identity_source
                .clone()
                .unwrap_or_else(|| apis::DEFAULT_IDENTITY_SOURCE.to_owned()),
            s.identity_validation_expression
                .clone()
                .filter(|e| !e.is_empty()),
            s.authorizer_result_ttl_in_seconds
                .unwrap_or(apis::DEFAULT_AUTHORIZER_TTL),
        )
    };
    norm(a) == norm(b)
}
