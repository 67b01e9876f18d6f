//! ENTRY: the `merit` command line (interfaces.md section 3). Parses arguments, loads settings,
//! calls one service use case, and prints the result in Bahasa Indonesia or as JSON.

mod accounts;
mod args;
mod candidates;
mod commands;
mod demo;
mod localize;
mod mail;
mod output;
mod progress;
mod public;
mod rules;
mod screening;
mod serve;
mod workflow;

use std::{path::Path, process::ExitCode};

pub use args::{Cli, Command};
pub use output::Exit;

use crate::{
    clock::{SharedClock, SystemClock},
    config::Settings,
    service::{App, ServiceError},
};

/// Runs the command line and returns the process exit code. `frontend` serves HTTP for the
/// commands that run the service (`serve`, `demo`, `bench http`).
pub fn run(frontend: &dyn crate::service::runtime::Frontend) -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(crate::sandbox::CHILD_COMMAND) {
        return child(&args[1..]);
    }
    crate::sandbox::this_is_merit();
    let parsed = localize::localize(Cli::command())
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return output::usage_error(e),
    };
    output::init_tracing(&cli);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kesalahan: tidak dapat memulai runtime: {e}");
            return Exit::Unexpected.into();
        }
    };
    let result = runtime.block_on(commands::dispatch(cli, frontend));
    // Do not wait for lingering blocking tasks (e.g. a stdin reader) at exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    match result {
        Ok(exit) => exit.into(),
        Err(failure) => {
            eprintln!("kesalahan: {}", failure.message);
            failure.exit.into()
        }
    }
}

/// A child process of merit ([`crate::sandbox`]): sets its limits, reads its job's input from
/// standard input, writes the answer on standard output. Not a command for people.
fn child(args: &[String]) -> ExitCode {
    use std::io::{Read, Write};
    let Some((job, memory, wall)) = crate::sandbox::child_arguments(args) else {
        eprintln!("kesalahan: argumen pekerjaan terpisah tidak sah");
        return Exit::Usage.into();
    };
    if let Err(e) = crate::sandbox::enter(memory, wall) {
        eprintln!("kesalahan: batas pekerjaan terpisah tidak dapat dipasang: {e}");
        return Exit::Unexpected.into();
    }
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("kesalahan: masukan tidak terbaca: {e}");
        return Exit::Unexpected.into();
    }
    let answer = match job {
        crate::documents::child::JOB => crate::documents::child::serve(&input),
        crate::service::drafts::SAMPLES_JOB => crate::service::drafts::serve_samples(&input),
        other => Err(format!("pekerjaan '{other}' tidak dikenal")),
    };
    match answer {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(&out)
                .and_then(|()| stdout.flush())
                .is_err()
            {
                return Exit::Unexpected.into();
            }
            crate::sandbox::report_peak();
            Exit::Ok.into()
        }
        Err(e) => {
            eprintln!("kesalahan: {e}");
            Exit::Invalid.into()
        }
    }
}

/// A command that did not succeed: what to print and how to exit.
#[derive(Debug)]
pub struct Failure {
    /// Exit code.
    pub exit: Exit,
    /// Message for the user.
    pub message: String,
}

impl Failure {
    /// An invalid-input failure (exit 3).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Invalid,
            message: message.into(),
        }
    }

    /// An unexpected failure (exit 1).
    pub fn unexpected(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Unexpected,
            message: message.into(),
        }
    }
}

impl From<ServiceError> for Failure {
    fn from(e: ServiceError) -> Self {
        let exit = match &e {
            ServiceError::Invalid(_)
            | ServiceError::NotFound(_)
            | ServiceError::Definitions { .. } => Exit::Invalid,
            ServiceError::Refused(r) if r.is_input() => Exit::Invalid,
            ServiceError::Refused(_) => Exit::Refused,
            ServiceError::Store(_) | ServiceError::Unexpected(_) => Exit::Unexpected,
        };
        Self {
            exit,
            message: e.to_string(),
        }
    }
}

impl From<crate::config::ConfigError> for Failure {
    fn from(e: crate::config::ConfigError) -> Self {
        Self::invalid(e.to_string())
    }
}

/// Loads settings for a command.
pub(crate) fn settings(config: Option<&Path>) -> Result<Settings, Failure> {
    Ok(Settings::load(config)?)
}

/// Opens the application (database included).
pub(crate) async fn open_app(settings: Settings) -> Result<App, Failure> {
    let clock: SharedClock = std::sync::Arc::new(SystemClock);
    Ok(App::open(settings, clock).await?)
}
