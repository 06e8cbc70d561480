//! The most recent requests per stage, in memory, for the console's Stage → Logs page.
//!
//! Bounded twice: [`PER_STAGE`] entries per stage (a ring buffer) and only stages that exist
//! (requests to unknown APIs or stages are not kept, so random paths cannot grow the table).
//! Per node: each Gatehouse process keeps the requests it served.

use std::collections::VecDeque;
use std::sync::Mutex;

use std::sync::Arc;

use apis::{RestApiId, StageName};

use crate::trace::{AuthOutcome, RequestId};

/// Entries kept per stage.
pub const PER_STAGE: usize = 200;

/// One served request.
#[derive(Debug, Clone, PartialEq)]
pub struct RecentRequest {
    /// Epoch milliseconds when it arrived.
    pub time_ms: i64,
    pub request_id: RequestId,
    pub method: http::Method,
    /// The invoke path below the stage (`/pets/7`).
    pub path: String,
    /// The matched resource (`/pets/{id}`), if any.
    pub resource: Option<Arc<str>>,
    pub status: u16,
    pub latency_ms: f64,
    pub auth: AuthOutcome,
}

/// Looked up on every request: foldhash rather than SipHash (only existing stages are inserted).
type ByName<T> = std::collections::HashMap<String, T, foldhash::fast::RandomState>;

/// Ring buffers by restApiId, then stage (nested so that a lookup allocates nothing).
#[derive(Debug)]
pub struct RecentRequests {
    per_stage: usize,
    apis: Mutex<ByName<ByName<VecDeque<RecentRequest>>>>,
}

impl Default for RecentRequests {
    fn default() -> Self {
        RecentRequests::with_capacity(PER_STAGE)
    }
}

impl RecentRequests {
    pub fn with_capacity(per_stage: usize) -> RecentRequests {
        RecentRequests {
            per_stage: per_stage.max(1),
            apis: Mutex::default(),
        }
    }

    /// Records a request of a stage, dropping the oldest beyond the bound.
    pub fn record(&self, api_id: &RestApiId, stage: &StageName, request: RecentRequest) {
        let (api_id, stage) = (api_id.as_str(), stage.as_str());
        let mut apis = match self.apis.lock() {
            Ok(a) => a,
            Err(poisoned) => poisoned.into_inner(),
        };
        if !apis.contains_key(api_id) {
            apis.insert(api_id.to_owned(), ByName::default());
        }
        let Some(stages) = apis.get_mut(api_id) else {
            return;
        };
        if !stages.contains_key(stage) {
            stages.insert(
                stage.to_owned(),
                VecDeque::with_capacity(self.per_stage.min(16)),
            );
        }
        let Some(ring) = stages.get_mut(stage) else {
            return;
        };
        if ring.len() >= self.per_stage {
            ring.pop_front();
        }
        ring.push_back(request);
    }

    /// The stage's requests, newest first.
    pub fn list(&self, api_id: &RestApiId, stage: &StageName) -> Vec<RecentRequest> {
        let apis = match self.apis.lock() {
            Ok(a) => a,
            Err(poisoned) => poisoned.into_inner(),
        };
        apis.get(api_id.as_str())
            .and_then(|stages| stages.get(stage.as_str()))
            .map(|ring| ring.iter().rev().cloned().collect())
            .unwrap_or_default()
    }

    /// Keeps only the stages `keep(api_id, stage)` accepts (the ones still deployed).
    pub fn retain(&self, mut keep: impl FnMut(&str, &str) -> bool) {
        if let Ok(mut apis) = self.apis.lock() {
            apis.retain(|api, stages| {
                stages.retain(|stage, _| keep(api, stage));
                !stages.is_empty()
            });
        }
    }

    /// Forgets a stage (deleted stage or API).
    pub fn forget(&self, api_id: &RestApiId, stage: &StageName) {
        if let Ok(mut apis) = self.apis.lock()
            && let Some(stages) = apis.get_mut(api_id.as_str())
        {
            stages.remove(stage.as_str());
            if stages.is_empty() {
                apis.remove(api_id.as_str());
            }
        }
    }
}
