//! merit: a workflow and rules engine for the personnel agencies (BKPSDM) of Indonesian
//! regional governments. See `src/README.md` for the module map and the direction data flows.

pub mod auth;
pub mod bench;
pub mod cli;
pub mod clock;
pub mod config;
pub mod diagnostic;
pub mod documents;
pub mod domain;
pub mod export;
pub mod generate;
pub mod http;
pub mod ingest;
pub mod jobfill;
pub mod notify;
pub mod placement;
pub mod progress;
pub mod render;
pub mod rules;
pub mod sandbox;
pub mod screening;
pub mod service;
pub mod sources;
pub mod store;
pub mod worker;
pub mod workflow;
