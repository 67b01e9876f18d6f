#![allow(unreachable_pub)] // test helpers are shared between modules of this one binary
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
//! Integration tests: one binary, real parts (a real SQLite file or PostgreSQL database, the real
//! binary, real files). Set `MERIT_TEST_DATABASE_URL=postgres://…/postgres` to run every
//! database test against a fresh PostgreSQL database instead of SQLite.

mod browser;
mod cli;
mod console;
mod crash;
mod documents;
mod editor;
mod hardening;
mod imports;
mod layout;
mod mail;
mod placement;
mod public;
mod reliance;
mod rules;
mod screening;
mod serve;
mod store;
mod support;
mod trust;
mod words;
mod workflow;
