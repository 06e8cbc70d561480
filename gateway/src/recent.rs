//! The most recent requests per stage, in memory, for the console's Stage → Logs page.
//!
//! Bounded twice: [`PER_STAGE`] entries per stage (a ring buffer) and only stages that exist
//! (requests to unknown APIs or stages are not kept, so random paths cannot grow the table).
//! Per node: each Gatehouse process keeps the requests it served.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::trace::AuthOutcome;

/// Entries kept per stage.
pub const PER_STAGE: usize = 200;

/// One served request.
#[derive(Debug, Clone, PartialEq)]
pub struct RecentRequest {
    /// Epoch milliseconds when it arrived.
    pub time_ms: i64,
    pub request_id: String,
    pub method: String,
    /// The invoke path below the stage (`/pets/7`).
    pub path: String,
    /// The matched resource (`/pets/{id}`), if any.
    pub resource: Option<String>,
    pub status: u16,
    pub latency_ms: f64,
    pub auth: AuthOutcome,
}

/// Ring buffers keyed by (restApiId, stage).
#[derive(Debug)]
pub struct RecentRequests {
    per_stage: usize,
    stages: Mutex<HashMap<(String, String), VecDeque<RecentRequest>>>,
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
            stages: Mutex::default(),
        }
    }

    /// Records a request of a stage, dropping the oldest beyond the bound.
    pub fn record(&self, api_id: &str, stage: &str, request: RecentRequest) {
        let mut stages = match self.stages.lock() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        let ring = stages
            .entry((api_id.to_owned(), stage.to_owned()))
            .or_insert_with(|| VecDeque::with_capacity(self.per_stage.min(16)));
        if ring.len() >= self.per_stage {
            ring.pop_front();
        }
        ring.push_back(request);
    }

    /// The stage's requests, newest first.
    pub fn list(&self, api_id: &str, stage: &str) -> Vec<RecentRequest> {
        let stages = match self.stages.lock() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        stages
            .get(&(api_id.to_owned(), stage.to_owned()))
            .map(|ring| ring.iter().rev().cloned().collect())
            .unwrap_or_default()
    }

    /// Forgets a stage (deleted stage or API).
    pub fn forget(&self, api_id: &str, stage: &str) {
        if let Ok(mut stages) = self.stages.lock() {
            stages.remove(&(api_id.to_owned(), stage.to_owned()));
        }
    }
}
