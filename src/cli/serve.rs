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
    http::{self, AppState},
    notify::Mailer,
    service::{self, App, supervise::supervise},
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
    tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        Failure::unexpected(format!(
            "tidak dapat mendengarkan di {addr}: {}",
            crate::domain::io_message(&e)
        ))
    })
}

/// Runs HTTP on `listener`, the scheduler, outbox delivery and definition reload until Ctrl-C
/// or SIGTERM. Each background loop is supervised: a panic is logged, shown by `/healthz`, and
/// the loop started again.
pub(super) async fn run_service(
    app: App,
    listener: tokio::net::TcpListener,
) -> Result<Exit, Failure> {
    let jobs = Arc::new(service::scheduler::jobs(&app.settings)?);
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::unexpected(e.to_string()))?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let stop_flag = Arc::new(AtomicBool::new(false));
    let state = AppState::new(app.clone());
    let health = state.health.clone();
    let mut http_stop = stop_rx.clone();
    let http = tokio::spawn(http::serve(listener, state, async move {
        let _ = http_stop.wait_for(|s| *s).await;
    }));
    tracing::info!(alamat = %addr, "merit serve siap");
    eprintln!("merit serve siap: http://{addr} (hentikan dengan Ctrl-C)");
    let owner = crate::worker::owner_id().to_owned();
    // Scheduler: checks every second; a long screening run only delays the next check.
    let scheduler = {
        let (app, stop, flag, h) = (
            app.clone(),
            stop_rx.clone(),
            stop_flag.clone(),
            health.clone(),
        );
        supervise("penjadwal", health.clone(), stop_rx.clone(), move || {
            let (app, jobs, owner, flag, h) = (
                app.clone(),
                jobs.clone(),
                owner.clone(),
                flag.clone(),
                h.clone(),
            );
            let mut stop = stop.clone();
            async move {
                loop {
                    if let Err(e) =
                        service::scheduler::run_due(&app, &jobs, &owner, Some(flag.clone())).await
                    {
                        tracing::error!("penjadwal: {e}");
                    }
                    if !flag.load(Ordering::Relaxed) {
                        match service::scheduler::help(&app, &jobs, Some(flag.clone())).await {
                            Ok(Some(r)) => {
                                tracing::info!(
                                    selesai = r.selesai,
                                    "ikut menyelesaikan penyaringan yang sedang berjalan"
                                )
                            }
                            Ok(None) => {}
                            Err(e) => tracing::error!("penyaringan bersama: {e}"),
                        }
                    }
                    h.beat("penjadwal");
                    if flag.load(Ordering::Relaxed) {
                        return;
                    }
                    tokio::select! {
                        _ = stop.wait_for(|s| *s) => return,
                        () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    }
                }
            }
        })
    };
    // Outbox: delivers what is due every second.
    let outbox = {
        let (app, stop, h) = (app.clone(), stop_rx.clone(), health.clone());
        supervise("kotak_keluar", health.clone(), stop_rx.clone(), move || {
            let (app, h) = (app.clone(), h.clone());
            let mut stop = stop.clone();
            async move {
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
                    h.beat("kotak_keluar");
                    tokio::select! {
                        _ = stop.wait_for(|s| *s) => return,
                        () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    }
                }
            }
        })
    };
    // Reload: validate whenever a definition file changes.
    let reload = {
        let (app, stop, h) = (app.clone(), stop_rx.clone(), health.clone());
        supervise("muat_ulang", health.clone(), stop_rx.clone(), move || {
            let (app, h) = (app.clone(), h.clone());
            let mut stop = stop.clone();
            async move {
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
                    h.beat("muat_ulang");
                    tokio::select! {
                        _ = stop.wait_for(|s| *s) => return,
                        () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    }
                }
            }
        })
    };
    shutdown_signal().await;
    eprintln!("Menghentikan merit serve: menyelesaikan pekerjaan yang sedang berjalan…");
    stop_flag.store(true, Ordering::Relaxed);
    let _ = stop_tx.send(true);
    for (name, task) in [
        ("penjadwal", scheduler),
        ("kotak_keluar", outbox),
        ("muat_ulang", reload),
    ] {
        if let Err(e) = task.await {
            tracing::error!(tugas = name, "tugas latar tidak berhenti dengan baik: {e}");
        }
    }
    match http.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!("HTTP: {e}"),
        Err(e) => tracing::error!("HTTP: {e}"),
    }
    eprintln!("merit serve berhenti.");
    Ok(Exit::Ok)
}
