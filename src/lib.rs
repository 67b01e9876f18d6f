//! merit: a workflow and rules engine for the personnel agencies (BKPSDM) of Indonesian
//! regional governments. See `src/README.md` for the module map and the direction data flows.

pub(crate) mod auth;
pub mod bench;
pub mod cli;
pub mod clock;
pub mod config;
pub(crate) mod diagnostic;
pub mod documents;
pub mod domain;
pub(crate) mod export;
pub mod generate;
pub mod http;
pub mod ingest;
pub(crate) mod jobfill;
pub mod notify;
pub mod placement;
pub(crate) mod progress;
pub(crate) mod render;
pub mod rules;
pub(crate) mod sandbox;
pub mod screening;
pub mod service;
pub mod sources;
pub mod store;
pub(crate) mod worker;
pub mod workflow;
