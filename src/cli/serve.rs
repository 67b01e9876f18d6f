//! `merit serve` and `merit schedule list`.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use tokio::sync::watch;

use super::{Exit, Failure, args::ScheduleCommand, open_app, output};
use crate::{
    clock::{Clock, SystemClock},
    config::Settings,
    http::{self, AppState, Metrics},
    notify::Mailer,
    service::{self, App},
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

pub(super) async fn serve(settings: Settings) -> Result<Exit, Failure> {
    let app = open_app(settings).await?;
    let listener = bind(app.settings.http_addr).await?;
    run_service(app, listener).await
}

/// Binds the HTTP listener.
pub(super) async fn bind(addr: std::net::SocketAddr) -> Result<tokio::net::TcpListener, Failure> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Failure::unexpected(format!("tidak dapat mendengarkan di {addr}: {e}")))
}

/// Runs HTTP on `listener`, the scheduler, outbox delivery and definition reload until Ctrl-C
/// or SIGTERM.
pub(super) async fn run_service(
    app: App,
    listener: tokio::net::TcpListener,
) -> Result<Exit, Failure> {
    let jobs = service::scheduler::jobs(&app.settings)?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::unexpected(e.to_string()))?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let stop_flag = Arc::new(AtomicBool::new(false));
    let state = AppState {
        app: app.clone(),
        metrics: Arc::new(Metrics::default()),
    };
    let mut http_stop = stop_rx.clone();
    let http = tokio::spawn(http::serve(listener, state, async move {
        let _ = http_stop.wait_for(|s| *s).await;
    }));
    tracing::info!(alamat = %addr, "merit serve siap");
    eprintln!("merit serve siap: http://{addr} (hentikan dengan Ctrl-C)");
    let owner = crate::worker::owner_id().to_owned();
    // Scheduler: checks every second; a long screening run only delays the next check.
    let scheduler = {
        let (app, mut stop, flag) = (app.clone(), stop_rx.clone(), stop_flag.clone());
        tokio::spawn(async move {
            loop {
                if let Err(e) =
                    service::scheduler::run_due(&app, &jobs, &owner, Some(flag.clone())).await
                {
                    tracing::error!("penjadwal: {e}");
                }
                if !flag.load(Ordering::Relaxed) {
                    match service::scheduler::help(&app, &jobs, Some(flag.clone())).await {
                        Ok(Some(r)) => {
                            tracing::info!(run = %r.run_id, selesai = r.selesai, "ikut menyelesaikan run penyaringan")
                        }
                        Ok(None) => {}
                        Err(e) => tracing::error!("penyaringan bersama: {e}"),
                    }
                }
                if flag.load(Ordering::Relaxed) {
                    return;
                }
                tokio::select! {
                    _ = stop.wait_for(|s| *s) => return,
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
        })
    };
    // Outbox: delivers what is due every second.
    let outbox = {
        let (app, mut stop) = (app.clone(), stop_rx.clone());
        tokio::spawn(async move {
            let mailer = Mailer::new(&app.settings.mail_url);
            loop {
                match service::outbox::deliver(&app, &mailer, false).await {
                    Ok(r) if r.terkirim + r.gagal + r.ditunda > 0 => {
                        tracing::info!(
                            terkirim = r.terkirim,
                            ditunda = r.ditunda,
                            gagal = r.gagal,
                            "kotak keluar"
                        );
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!("kotak keluar: {e}"),
                }
                tokio::select! {
                    _ = stop.wait_for(|s| *s) => return,
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
        })
    };
    // Reload: validate whenever a definition file changes.
    let reload = {
        let (app, mut stop) = (app.clone(), stop_rx.clone());
        tokio::spawn(async move {
            let mut last = None;
            loop {
                let fp = service::reload::fingerprint(&app.settings);
                if last != Some(fp) {
                    match service::reload::validate(&app).await {
                        Ok(r) if last.is_some() => {
                            tracing::info!(
                                diterima = r.diterima.len(),
                                ditolak = r.ditolak.len(),
                                "definisi dimuat ulang"
                            );
                        }
                        Ok(_) => {}
                        Err(e) => tracing::error!("muat ulang: {e}"),
                    }
                    last = Some(fp);
                }
                tokio::select! {
                    _ = stop.wait_for(|s| *s) => return,
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
        })
    };
    shutdown_signal().await;
    eprintln!("Menghentikan merit serve: menyelesaikan pekerjaan yang sedang berjalan…");
    stop_flag.store(true, Ordering::Relaxed);
    let _ = stop_tx.send(true);
    let _ = scheduler.await;
    let _ = outbox.await;
    let _ = reload.await;
    match http.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!("HTTP: {e}"),
        Err(e) => tracing::error!("HTTP: {e}"),
    }
    eprintln!("merit serve berhenti.");
    Ok(Exit::Ok)
}
