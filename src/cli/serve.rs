//! `merit serve` and `merit schedule list`.

use super::{Exit, Failure, args::ScheduleCommand, open_app, output};
use crate::{
    clock::{Clock, SystemClock},
    config::Settings,
    service::{
        self, App,
        runtime::{Frontend, Runtime},
    },
};

pub(super) fn schedule(
    cmd: ScheduleCommand,
    settings: Settings,
    json: bool,
) -> Result<Exit, Failure> {
    let ScheduleCommand::List = cmd;
    let list = service::scheduler::list(&settings, SystemClock.now())?;
    if json {
        output::print_json(&list)?;
        return Ok(Exit::Ok);
    }
    for job in &list {
        println!(
            "{} — {} (cron: {})",
            job.tugas.as_str(),
            job.keterangan,
            job.cron
        );
        for t in &job.berikutnya {
            println!("  {t}");
        }
    }
    Ok(Exit::Ok)
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

pub(super) async fn serve(settings: Settings, frontend: &dyn Frontend) -> Result<Exit, Failure> {
    let listener = bind(settings.http_addr).await?;
    let app = open_app(settings).await?;
    run_service(app, listener, frontend).await
}

/// Binds the HTTP listener.
pub(super) async fn bind(addr: std::net::SocketAddr) -> Result<tokio::net::TcpListener, Failure> {
    tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        Failure::unexpected(format!(
            "tidak dapat mendengarkan di {addr}: {}",
            crate::domain::io_message(&e)
        ))
    })
}

/// Runs the service on `listener` until Ctrl-C or SIGTERM.
pub(super) async fn run_service(
    app: App,
    listener: tokio::net::TcpListener,
    frontend: &dyn Frontend,
) -> Result<Exit, Failure> {
    let runtime = Runtime::start(app, listener, frontend)?;
    eprintln!(
        "merit serve siap: http://{} (hentikan dengan Ctrl-C)",
        runtime.addr()
    );
    shutdown_signal().await;
    eprintln!("Menghentikan merit serve: menyelesaikan pekerjaan yang sedang berjalan…");
    runtime.stop().await;
    eprintln!("merit serve berhenti.");
    Ok(Exit::Ok)
}
